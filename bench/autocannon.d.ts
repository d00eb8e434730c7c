// The part of autocannon (which ships no types) that bench/run.mjs uses.
declare module "autocannon" {
  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
  }
  interface Result {
    non2xx: number;
    errors: number;
    requests: { average: number };
  }

  export type { Options, Result };
  export default function autocannon(
    options: Options,
    callback: (error: Error | null, result: Result) => void,
  ): unknown;
}
