import { exports } from "cloudflare:workers";
import { type EventSourceMessage, EventSourceParserStream } from "eventsource-parser/stream";
import type { IngestResult, LogEntry } from "../lib/types";

const BASE = "https://viewer.test";

/** A stream name of its own for every test, so tests never see each other's entries. */
export function freshStream(): string {
  return `t-${crypto.randomUUID()}`;
}

export function request(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

/** Posts a body and expects 202; returns the ids the stream assigned. */
/** The stream's last stored id, from its stats. */
export async function lastId(stream: string): Promise<number> {
  return (await (await request(`/api/streams/${stream}`)).json<{ lastId: number }>()).lastId;
}

export async function post(stream: string, body: string, contentType = "text/plain"): Promise<IngestResult> {
  const response = await request(`/api/streams/${stream}/logs`, {
    method: "POST",
    headers: { "Content-Type": contentType },
    body,
  });
  if (response.status !== 202) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Rejects after `ms` with a message naming what was awaited. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}

/** Calls `fn` until it returns a truthy value, which it resolves to; rejects after `ms` naming `what`. */
export async function eventually<T>(fn: () => T | Promise<T>, ms: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** An open SSE subscription, parsed by a spec-compliant parser. */
export class Subscription {
  readonly events: EventSourceMessage[] = [];
  readonly comments: string[] = [];
  #waiters: (() => void)[] = [];
  #reader: ReadableStreamDefaultReader<EventSourceMessage>;
  readonly done: Promise<void>;

  constructor(readonly response: Response) {
    if (!response.body) throw new Error("SSE response has no body");
    const parser = new EventSourceParserStream({
      onComment: (comment) => {
        this.comments.push(comment);
        this.#wake();
      },
    });
    this.#reader = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(parser).getReader();
    this.done = this.#pump();
  }

  static async open(stream: string, query = "", headers: HeadersInit = {}): Promise<Subscription> {
    const response = await request(`/api/streams/${stream}/events${query}`, { headers });
    if (response.status !== 200) throw new Error(`events answered ${response.status}: ${await response.text()}`);
    return new Subscription(response);
  }

  get logs(): LogEntry[] {
    return this.events.filter((event) => event.event === "log").map((event) => JSON.parse(event.data) as LogEntry);
  }

  /** Waits until `predicate` holds, checking after every event and comment. */
  async until(what: string, predicate: () => boolean, ms = 5000): Promise<void> {
    await within(
      ms,
      what,
      (async () => {
        while (!predicate()) await new Promise<void>((resolve) => this.#waiters.push(resolve));
      })(),
    );
  }

  untilLogs(count: number, ms?: number): Promise<void> {
    return this.until(`${count} log events (have ${this.logs.length})`, () => this.logs.length >= count, ms);
  }

  async close(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }

  async #pump(): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await this.#reader.read();
        if (done) break;
        this.events.push(value);
        this.#wake();
      }
    } catch {
      // A dropped or cancelled stream ends the subscription; tests assert on what arrived.
    }
    this.#wake();
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}
