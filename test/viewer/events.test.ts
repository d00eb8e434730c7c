import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { freshStream, post, request, Subscription, within } from "../helpers";

describe("GET /api/streams/{stream}/events", () => {
  it("sends SSE headers and a retry field and a comment at once", async () => {
    const response = await request(`/api/streams/${freshStream()}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("Cache-Control")).toBe("no-cache, no-transform");
    expect(response.headers.get("X-Accel-Buffering")).toBe("no");
    expect(response.headers.get("Content-Encoding")).toBeNull();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await within(1000, "the first bytes", reader.read());
    const text = new TextDecoder().decode(first.value);
    expect(text).toMatch(/^retry: \d+\n/);
    expect(text).toMatch(/\n\n: connected\n\n/);
    await reader.cancel();
  });

  it("sends each entry as one log event with the wire JSON", async () => {
    const stream = freshStream();
    const sub = await Subscription.open(stream);
    await post(stream, '{"msg":"hello","level":"error","time":1700000000000,"user":"ann"}', "application/x-ndjson");
    await sub.untilLogs(1);
    const [event] = sub.events;
    expect(event).toMatchObject({ id: "1", event: "log" });
    expect(JSON.parse(event?.data ?? "")).toEqual({
      id: 1,
      time: 1_700_000_000_000,
      level: "error",
      message: "hello",
      fields: { user: "ann" },
      pattern: expect.stringMatching(/^p[0-9a-z]+$/),
    });
    await sub.close();
  });

  it("keeps a message with line breaks and SSE field names in one event", async () => {
    const stream = freshStream();
    const sub = await Subscription.open(stream);
    const message = "line one\nline two\r\nline three\revent: gap\ndata: {}\n\nid: 99\n";
    await post(stream, JSON.stringify({ message }), "application/json");
    await sub.untilLogs(1);
    expect(sub.events).toHaveLength(1);
    expect(sub.logs[0]?.message).toBe(message);
    await sub.close();
  });

  it("backfills the last `tail` entries, default 100, then goes live", async () => {
    const stream = freshStream();
    await post(stream, Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join("\n"));
    const defaultTail = await Subscription.open(stream);
    const tail5 = await Subscription.open(stream, "?tail=5");
    const none = await Subscription.open(stream, "?tail=0");
    await post(stream, "live");
    await defaultTail.untilLogs(31);
    await tail5.untilLogs(6);
    await none.untilLogs(1);
    expect(tail5.logs.map((entry) => entry.id)).toEqual([26, 27, 28, 29, 30, 31]);
    expect(none.logs.map((entry) => entry.message)).toEqual(["live"]);
    expect(defaultTail.logs.map((entry) => entry.id)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    await Promise.all([defaultTail.close(), tail5.close(), none.close()]);
  });

  it("resumes after Last-Event-ID or ?lastEventId= instead of the tail", async () => {
    const stream = freshStream();
    await post(stream, "1\n2\n3\n4\n5");
    const header = await Subscription.open(stream, "?tail=1", { "Last-Event-ID": "2" });
    const query = await Subscription.open(stream, "?lastEventId=4");
    await header.untilLogs(3);
    await query.untilLogs(1);
    expect(header.logs.map((entry) => entry.id)).toEqual([3, 4, 5]);
    expect(query.logs.map((entry) => entry.id)).toEqual([5]);
    await Promise.all([header.close(), query.close()]);
  });

  it("announces a gap before replaying when the resume point has left the ring buffer", async () => {
    const stream = freshStream();
    await post(stream, Array.from({ length: 80 }, (_, i) => String(i + 1)).join("\n"));
    const sub = await Subscription.open(stream, "", { "Last-Event-ID": "10" });
    await sub.untilLogs(50);
    expect(sub.events[0]).toEqual({ id: "30", event: "gap", data: '{"from":11,"to":30}' });
    expect(sub.logs.map((entry) => entry.id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 31));
    await sub.close();
  });

  it("sends a heartbeat comment every HEARTBEAT_MS", async () => {
    const sub = await Subscription.open(freshStream());
    await sub.until("two heartbeats", () => sub.comments.filter((c) => c === "heartbeat").length >= 2, 2000);
    await sub.close();
  });

  it("refuses invalid query values with 400", async () => {
    for (const query of ["?tail=-1", "?tail=abc", "?lastEventId=x", "?level=loud"]) {
      const response = await request(`/api/streams/${freshStream()}/events${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toHaveProperty("error");
    }
  });
});

describe("any message survives the whole pipeline", () => {
  it("POST as JSON → Durable Object → SSE → spec parser gives back the exact message", async () => {
    const stream = freshStream();
    const sub = await Subscription.open(stream, "?tail=0");
    const sent: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: "binary", minLength: 1 }), { minLength: 1, maxLength: 5 }),
        async (messages) => {
          await post(stream, JSON.stringify(messages.map((message) => ({ message }))), "application/json");
          sent.push(...messages);
        },
      ),
      { numRuns: 30 },
    );
    await sub.untilLogs(sent.length);
    expect(sub.logs.map((entry) => entry.message)).toEqual(sent);
    await sub.close();
  });
});
