import { describe, expect, it } from "vitest";
import { freshStream, post, request, Subscription } from "../helpers";

async function postRaw(stream: string, body: BodyInit, contentType?: string): Promise<Response> {
  const headers: Record<string, string> = contentType ? { "Content-Type": contentType } : {};
  return request(`/api/streams/${stream}/logs`, { method: "POST", headers, body });
}

describe("POST /api/streams/{stream}/logs", () => {
  it("answers 202 with the count and the id range", async () => {
    const stream = freshStream();
    expect(await post(stream, "one\ntwo\nthree")).toEqual({ accepted: 3, firstId: 1, lastId: 3 });
    expect(await post(stream, '{"msg":"four"}\n{"msg":"five"}', "application/x-ndjson")).toEqual({
      accepted: 2,
      firstId: 4,
      lastId: 5,
    });
    expect(await post(stream, '[{"msg":"six"}]', "application/json; charset=utf-8")).toEqual({
      accepted: 1,
      firstId: 6,
      lastId: 6,
    });
  });

  it("accepts an empty batch without using an id", async () => {
    const stream = freshStream();
    expect(await post(stream, "\n\n")).toEqual({ accepted: 0, firstId: null, lastId: null });
    expect(await post(stream, "x")).toEqual({ accepted: 1, firstId: 1, lastId: 1 });
  });

  it("refuses malformed JSON with 400 naming the line, and accepts nothing of the batch", async () => {
    const stream = freshStream();
    const response = await postRaw(stream, '{"msg":"ok"}\n{"msg":"broken"', "application/x-ndjson");
    expect(response.status).toBe(400);
    expect((await response.json<{ error: string }>()).error).toMatch(/line 2/);
    expect(await post(stream, "after")).toEqual({ accepted: 1, firstId: 1, lastId: 1 });
  });

  it("refuses a body over MAX_BODY_BYTES with 413", async () => {
    const stream = freshStream();
    const response = await postRaw(stream, "x".repeat(65_537), "text/plain");
    expect(response.status).toBe(413);
    expect((await response.json<{ error: string }>()).error).toMatch(/65536 bytes/);
    const streamed = new Blob(["y".repeat(40_000), "y".repeat(40_000)]).stream();
    const chunked = await request(`/api/streams/${stream}/logs`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: streamed,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await post(stream, "fits")).toMatchObject({ firstId: 1 });
  });

  it("refuses another content type with 415", async () => {
    const response = await postRaw(freshStream(), "a=b", "application/x-www-form-urlencoded");
    expect(response.status).toBe(415);
    expect(response.headers.get("Content-Type")).toMatch(/application\/json/);
    expect((await response.json<{ error: string }>()).error).toMatch(/text\/plain/);
  });

  it("refuses bad stream names with 400", async () => {
    for (const name of ["a".repeat(65), "a%2Fb", "..%2Fx", "caf%C3%A9", "sp%20ace", "a:b"]) {
      const response = await postRaw(name, "x", "text/plain");
      expect(response.status, name).toBe(400);
      expect((await response.json<{ error: string }>()).error).toMatch(/stream name/);
    }
    expect((await postRaw("A-z_0.9", "x", "text/plain")).status).toBe(202);
  });

  it("keeps streams apart", async () => {
    const [a, b] = [freshStream(), freshStream()];
    await post(a, "for a");
    const sub = await Subscription.open(b);
    await post(b, "for b");
    await sub.untilLogs(1);
    expect(sub.logs.map((entry) => entry.message)).toEqual(["for b"]);
    await sub.close();
  });
});

describe("other routes", () => {
  it("GET /api/health answers without a Durable Object", async () => {
    const response = await request("/api/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("unknown API paths answer JSON 404", async () => {
    const response = await request("/api/nope");
    expect(response.status).toBe(404);
    expect(await response.json()).toHaveProperty("error");
  });

  it("GET /api/streams/{stream} reports the ring buffer", async () => {
    const stream = freshStream();
    await post(stream, "a\nb");
    const response = await request(`/api/streams/${stream}`);
    expect(await response.json()).toEqual({
      lastId: 2,
      oldestId: 1,
      entries: 2,
      capacity: 50,
      subscribers: 0,
      // The batch's ring row, and one row for each of its two new patterns.
      rowsWritten: 3,
      received: { "text/plain": 1 },
      storageBytes: expect.any(Number),
      startedAt: expect.any(Number),
    });
  });
});

describe("Idempotency-Key", () => {
  it("answers a resent batch with its first answer and stores it once", async () => {
    const stream = freshStream();
    const send = () =>
      request(`/api/streams/${stream}/logs`, {
        method: "POST",
        headers: { "Content-Type": "text/plain", "Idempotency-Key": "batch-1" },
        body: "one\ntwo",
      });
    const [first, concurrent] = await Promise.all([send(), send()]);
    const again = await send();
    const answers = await Promise.all([first, concurrent, again].map((response) => response.json()));
    expect(answers).toEqual([
      { accepted: 2, firstId: 1, lastId: 2 },
      { accepted: 2, firstId: 1, lastId: 2 },
      { accepted: 2, firstId: 1, lastId: 2 },
    ]);
    expect(await post(stream, "three")).toEqual({ accepted: 1, firstId: 3, lastId: 3 });
  });
});
