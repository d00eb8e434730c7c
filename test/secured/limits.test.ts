import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { freshStream, request, Subscription } from "../helpers";

const WRITE = { Authorization: "Bearer ingest-secret" };
const READ = { Authorization: "Bearer read-secret" };

function post(stream: string, body: BodyInit, contentType = "text/plain"): Promise<Response> {
  return request(`/api/streams/${stream}/logs`, {
    method: "POST",
    headers: { "Content-Type": contentType, ...WRITE },
    body,
  });
}

async function stats(stream: string): Promise<{ lastId: number; entries: number; subscribers: number }> {
  return (await request(`/api/streams/${stream}`, { headers: READ })).json();
}

describe("limits", () => {
  it("answers 429 with Retry-After past the stream's request rate, and stores nothing of a refused request", async () => {
    const stream = freshStream();
    // 30 at once: past the burst of 10 unless they took 4 s to arrive (5 a second refill), however busy the machine.
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => post(stream, `line ${i}`)));
    const refused = answers.filter((response) => response.status === 429);
    expect(answers.filter((response) => response.status === 202).length).toBeGreaterThanOrEqual(10);
    expect(refused.length).toBeGreaterThan(0);
    expect(Number(refused[0]?.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect((await refused[0]?.json<{ error: string }>())?.error).toMatch(/Retry-After/);
    const accepted = answers.length - refused.length;
    expect((await stats(stream)).lastId).toBe(accepted);
    // Another stream has its own budget.
    expect((await post(freshStream(), "fine")).status).toBe(202);
  });

  it("refuses more entries per request than MAX_ENTRIES with 413", async () => {
    const stream = freshStream();
    const response = await post(stream, Array.from({ length: 101 }, (_, i) => `l${i}`).join("\n"));
    expect(response.status).toBe(413);
    expect((await response.json<{ error: string }>()).error).toMatch(/101 .* at most 100/);
    expect((await post(stream, Array.from({ length: 100 }, (_, i) => `l${i}`).join("\n"))).status).toBe(202);
  });

  it("cuts a message or fields over MAX_ENTRY_LENGTH and marks the entry truncated", async () => {
    const stream = freshStream();
    const body = [
      JSON.stringify({ msg: "m".repeat(5000) }),
      JSON.stringify({ msg: "short", blob: "b".repeat(5000) }),
      JSON.stringify({ msg: "fine" }),
    ].join("\n");
    expect((await post(stream, body, "application/x-ndjson")).status).toBe(202);
    const sub = new Subscription(await request(`/api/streams/${stream}/events`, { headers: READ }));
    await sub.untilLogs(3);
    const [long, wide, fine] = sub.logs;
    expect(long?.message).toBe("m".repeat(1000));
    expect(long?.truncated).toBe(true);
    expect(wide?.message).toBe("short");
    expect(wide?.truncated).toBe(true);
    expect(String(wide?.fields?._truncated)).toHaveLength(1000);
    expect(fine?.truncated).toBeUndefined();
    await sub.close();
  });

  it("refuses a subscriber past MAX_SUBSCRIBERS with 503", async () => {
    const stream = freshStream();
    const open = await Promise.all(
      [1, 2, 3].map((n) =>
        request(`/api/streams/${stream}/events`, { headers: { ...READ, "CF-Connecting-IP": `192.0.2.${n}` } }),
      ),
    );
    expect(open.map((response) => response.status)).toEqual([200, 200, 200]);
    const fourth = await request(`/api/streams/${stream}/events`, {
      headers: { ...READ, "CF-Connecting-IP": "192.0.2.4" },
    });
    expect(fourth.status).toBe(503);
    expect(fourth.headers.get("Retry-After")).not.toBeNull();
    expect((await fourth.json<{ error: string }>()).error).toMatch(/3 viewers/);
    await Promise.all(open.map((response) => response.body?.cancel()));
  });
});

describe("hostile input", () => {
  it("keeps control characters and invalid UTF-8 as text, without breaking the event stream", async () => {
    const stream = freshStream();
    const bytes = new Uint8Array([0x61, 0xff, 0xfe, 0x00, 0x07, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x62, 0x0d, 0x0a, 0x63]);
    expect((await post(stream, bytes)).status).toBe(202);
    const sub = new Subscription(await request(`/api/streams/${stream}/events`, { headers: READ }));
    await sub.untilLogs(2);
    expect(sub.logs.map((entry) => entry.message)).toEqual(["a\uFFFD\uFFFD\u0000\u0007\u001b[31mb", "c"]);
    await sub.close();
  });

  it("refuses deeply nested JSON with 400 and accepts many fields", async () => {
    const stream = freshStream();
    const deep = `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`;
    const refused = await post(stream, deep, "application/json");
    expect(refused.status).toBe(400);
    expect((await refused.json<{ error: string }>()).error).toMatch(/nested deeper/);
    const wide = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i]));
    const many = await post(stream, JSON.stringify({ msg: "wide", ...wide }), "application/json");
    expect(many.status).toBe(202);
    expect((await stats(stream)).lastId).toBe(1);
  });

  it("random bodies of every content type are accepted or refused with 4xx, and the ring stays consistent", async () => {
    const stream = freshStream();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("text/plain", "application/x-ndjson", "application/json"),
        fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.json(), fc.uint8Array({ maxLength: 300 })),
        async (type, body) => {
          const response = await post(stream, body, type);
          // The rate limit is part of the contract too; anything else must be a 202 or a precise 4xx.
          expect([202, 400, 413, 429]).toContain(response.status);
          const answer = await response.json<{ accepted?: number; error?: string }>();
          if (response.status === 202) accepted += answer.accepted ?? 0;
          else expect(typeof answer.error).toBe("string");
          await new Promise((resolve) => setTimeout(resolve, 200));
        },
      ),
      { numRuns: 25 },
    );
    expect((await stats(stream)).lastId).toBe(accepted);
  });
});
