import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type ConnectionState, SseClient, SseRefusedError } from "../../lib/sse-client.js";
import type { Gap, LogEntry } from "../../lib/types";
import { eventually, freshStream, post, request, within } from "../helpers";

const BASE = "https://viewer.test";

/** The Worker itself as the client's `fetch`, recording the Last-Event-ID of every attempt. */
function workerFetch(sent: (string | null)[] = []) {
  return (url: string, init: { headers: Record<string, string>; signal: AbortSignal }) => {
    sent.push(init.headers["Last-Event-ID"] ?? null);
    return exports.default.fetch(new Request(url, init));
  };
}

/** A client on a stream's events that records what it was told. */
function reader(path: string, options: { lastEventId?: string } = {}) {
  const entries: LogEntry[] = [];
  const gaps: Gap[] = [];
  const states: ConnectionState[] = [];
  const lastEventIds: (string | null)[] = [];
  const controller = new AbortController();
  const client = new SseClient(`${BASE}${path}`, {
    ...options,
    fetch: workerFetch(lastEventIds),
    signal: controller.signal,
    onLog: (entry) => {
      entries.push(entry);
    },
    onGap: (gap) => {
      gaps.push(gap);
    },
    onState: (state) => states.push(state),
  });
  const running = client.run();
  return { client, entries, gaps, states, lastEventIds, running, stop: () => controller.abort() };
}

describe("SseClient against the Worker", () => {
  it("reads the backfill, then live entries, and stops when its signal aborts", async () => {
    const stream = freshStream();
    await post(stream, "one\ntwo");
    const r = reader(`/api/streams/${stream}/events`);
    await eventually(() => r.entries.length === 2, 5000, "the backfill");
    await post(stream, "three");
    await eventually(() => r.entries.length === 3, 5000, "the live entry");
    r.stop();
    await within(2000, "run() to resolve after abort", r.running);
    expect(r.entries.map((entry) => [entry.id, entry.message])).toEqual([
      [1, "one"],
      [2, "two"],
      [3, "three"],
    ]);
    expect(r.states.slice(0, 2)).toEqual([{ state: "connecting", attempt: 1 }, { state: "open" }]);
    expect(r.client.lastEventId).toBe("3");
  });

  it("resumes after a drop with Last-Event-ID: nothing repeated, nothing missing", async () => {
    const stream = freshStream();
    await post(stream, "a\nb");
    const r = reader(`/api/streams/${stream}/events`);
    await eventually(() => r.entries.length === 2, 5000, "the backfill");
    r.client.drop();
    await post(stream, "c\nd");
    await eventually(() => r.entries.length === 4, 10_000, "the entries posted while cut off");
    await post(stream, "e");
    await eventually(() => r.entries.length === 5, 5000, "the live entry after resuming");
    r.stop();
    await r.running;
    expect(r.entries.map((entry) => entry.message)).toEqual(["a", "b", "c", "d", "e"]);
    expect(r.lastEventIds).toEqual([null, "2"]);
    expect(r.states.filter((state) => state.state === "waiting")).toEqual([
      { state: "waiting", reason: "the connection was cut", retryInMs: 1000 },
    ]);
  });

  it("resumes from where it connected when no entry came before the drop", async () => {
    const stream = freshStream();
    await post(stream, "1\n2\n3");
    const r = reader(`/api/streams/${stream}/events?tail=0`);
    await eventually(() => r.states.some((state) => state.state === "open"), 5000, "the connection");
    await eventually(() => r.client.lastEventId === "3", 5000, "the opening id");
    r.client.drop();
    // Posted while the client waits to reconnect: with tail=0, only Last-Event-ID brings it back.
    await post(stream, "4");
    await eventually(() => r.entries.length === 1, 10_000, "the entry posted while cut off");
    r.stop();
    await r.running;
    expect(r.entries.map((entry) => entry.message)).toEqual(["4"]);
    expect(r.lastEventIds).toEqual([null, "3"]);
  });

  it("reports a gap when it resumes after ids that left the ring", async () => {
    const stream = freshStream();
    // The test Worker keeps 50 entries; resuming after id 1 of 120 finds the oldest ones gone.
    for (let i = 0; i < 4; i++)
      await post(stream, Array.from({ length: 30 }, (_, j) => `line ${i * 30 + j + 1}`).join("\n"));
    const r = reader(`/api/streams/${stream}/events`, { lastEventId: "1" });
    await eventually(() => r.entries.at(-1)?.id === 120, 5000, "the entries still in the ring");
    r.stop();
    await r.running;
    expect(r.gaps).toHaveLength(1);
    const [gap] = r.gaps as [Gap];
    expect(gap.from).toBe(2);
    expect(r.entries[0]?.id).toBe(gap.to + 1);
    expect(r.entries.map((entry) => entry.id)).toEqual(Array.from({ length: 120 - gap.to }, (_, i) => gap.to + 1 + i));
    expect(r.lastEventIds).toEqual(["1"]);
  });

  it("stops at a 400 with the server's message instead of retrying", async () => {
    const r = reader(`/api/streams/${freshStream()}/events?tail=abc`);
    const error = await r.running.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SseRefusedError);
    expect((error as SseRefusedError).status).toBe(400);
    expect((error as SseRefusedError).message).toBe('tail must be a non-negative integer, got "abc"');
    expect(r.lastEventIds).toHaveLength(1);
  });

  it("stops at a 404 with the server's message", async () => {
    const r = reader("/api/no-such-route");
    const error = await r.running.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SseRefusedError);
    expect((error as SseRefusedError).status).toBe(404);
    expect((error as SseRefusedError).message).toBe("No route for GET /api/no-such-route");
  });

  it("tells of a deleted stream, whose event has no id, and the reader stops there", async () => {
    const stream = freshStream();
    await post(stream, "one\ntwo");
    const deleted: string[] = [];
    const controller = new AbortController();
    const malformed: string[] = [];
    const client = new SseClient(`${BASE}/api/streams/${stream}/events`, {
      fetch: workerFetch(),
      signal: controller.signal,
      onDeleted: (name) => {
        deleted.push(name);
        controller.abort();
      },
      onMalformed: (event) => {
        malformed.push(event.data);
      },
    });
    const running = client.run();
    await eventually(() => client.lastEventId === "2", 5000, "the backfill");
    expect((await request(`/api/streams/${stream}`, { method: "DELETE" })).status).toBe(204);
    await within(5000, "run() to resolve after the deleted event", running);
    expect(deleted).toEqual([stream]);
    expect(malformed).toEqual([]);
    expect(client.lastEventId).toBe("2");
  });
});
