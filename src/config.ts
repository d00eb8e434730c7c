/** Reads a numeric `[vars]` entry; falls back when it is missing or not a positive integer. */
export function positiveInteger(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}
