/// <reference types="vite/client" />
// Multi-line text through the Worker: a body of real traces posted as text/plain is stored one entry per
// trace, each with the level and time of its first line; ?multiline=off and the header turn it off.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseText, textEntry } from "../../src/ingest/text";
import java from "../fixtures/traces/java.txt?raw";
import python from "../fixtures/traces/python.txt?raw";
import { freshStream, request } from "../helpers";

type Stored = { id: number; time: number; level: string | null; message: string };

async function postText(stream: string, body: string, query = "", headers: Record<string, string> = {}) {
  return request(`/api/streams/${stream}/logs${query}`, {
    method: "POST",
    headers: { "Content-Type": "text/plain; charset=utf-8", ...headers },
    body,
  });
}

/** The stream's entries, oldest first. */
async function entries(stream: string): Promise<Stored[]> {
  const response = await request(`/api/streams/${stream}/entries?limit=1000`);
  expect(response.status).toBe(200);
  return (await response.json<{ entries: Stored[] }>()).entries.reverse();
}

describe("text/plain with stack traces", () => {
  it("stores each trace as one entry with its first line's level and time", async () => {
    const stream = freshStream();
    const stamped =
      "2026-11-25T10:11:12.345Z ERROR payment failed\njava.lang.IllegalStateException: declined\n\tat Pay.run(Pay.java:9)\n2026-11-25T10:11:13Z INFO retried";
    const body = `${java}${python}${stamped}\n`;
    const response = await postText(stream, body);
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 9 });
    const stored = await entries(stream);
    expect(stored.map((entry) => [entry.message.split("\n")[0], entry.level])).toEqual([
      ["INFO  Shop - starting", "info"],
      ["ERROR Shop - order failed", "error"],
      ["INFO  Shop - next order", "info"],
      ['Exception in thread "main" java.lang.IllegalStateException: cannot load order y7', null],
      ["INFO:shop:starting", "info"],
      ["ERROR:shop:order failed", "error"],
      ["WARNING:shop:retrying without fallback", "warn"],
      ["2026-11-25T10:11:12.345Z ERROR payment failed", "error"],
      ["2026-11-25T10:11:13Z INFO retried", "info"],
    ]);
    expect(stored[1]?.message).toContain('\nCaused by: java.lang.NumberFormatException: For input string: "x42"\n');
    expect(stored[7]?.message).toBe(stamped.split("\n").slice(0, 3).join("\n"));
    expect(stored[7]?.time).toBe(Date.UTC(2026, 10, 25, 10, 11, 12, 345));
    expect(stored.map((entry) => entry.message).join("\n")).toBe(body.trimEnd());
  });

  it("?multiline=off and X-Edge-Tail-Multiline: off keep one entry per line", async () => {
    const body = "ERROR boom\n\tat A.b(A.java:1)\n\tat A.c(A.java:2)";
    for (const [query, headers] of [
      ["?multiline=off", {}],
      ["", { "X-Edge-Tail-Multiline": "off" }],
      ["?multiline=OFF", { "X-Edge-Tail-Multiline": "on" }],
    ] as const) {
      const stream = freshStream();
      const response = await postText(stream, body, query, headers);
      expect(response.status).toBe(202);
      expect((await entries(stream)).map((entry) => entry.message)).toEqual(body.split("\n"));
    }
    const on = freshStream();
    expect((await postText(on, body, "?multiline=on")).status).toBe(202);
    expect((await entries(on)).map((entry) => entry.message)).toEqual([body]);
  });

  it("refuses another multiline value with 400 and stores nothing", async () => {
    const stream = freshStream();
    const response = await postText(stream, "a\n\tat b", "?multiline=maybe");
    expect(response.status).toBe(400);
    expect((await response.json<{ error: string }>()).error).toMatch(/multiline must be on or off/);
    expect(await entries(stream)).toEqual([]);
  });

  it("an entry stops gathering at MAX_ENTRY_LENGTH, so a long trace is cut into entries, not truncated", () => {
    const body = ["ERROR boom", ...Array.from({ length: 200 }, (_, i) => `\tat f${i}(A.java:${i})`)].join("\n");
    const drafts = parseText(body, 0, { maxLength: 1000 });
    expect(drafts.length).toBeGreaterThan(3);
    expect(drafts.every((draft) => draft.message.length <= 1000)).toBe(true);
    expect(drafts.map((draft) => draft.message).join("\n")).toBe(body);
  });

  it("the timestamp read while grouping is the one textEntry reads from the entry", () => {
    const start = fc.constantFrom(
      "2026-11-25T10:11:12.5Z ",
      "\u001b[2m2026-11-25 10:11:12\u001b[0m ",
      "Nov  5 08:12:01 ",
      "<34>Nov 25 08:12:01 host app: ",
      "",
    );
    const line = fc
      .tuple(start, fc.string({ unit: "grapheme", maxLength: 10 }))
      .map(([a, b]) => a + b.replace(/[\r\n]/g, ""));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        const now = Date.UTC(2026, 10, 25);
        for (const draft of parseText(lines.join("\n"), now)) expect(draft).toEqual(textEntry(draft.message, now));
      }),
    );
  });
});
