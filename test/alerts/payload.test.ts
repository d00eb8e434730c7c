import { describe, expect, it } from "vitest";
import { type Capture, jsonBody, notificationBody, slackBody } from "../../src/alerts/payload";

const entry = (id: number, message: string, level = "info") =>
  JSON.stringify({ id, time: Date.UTC(2026, 0, 2, 3, 4, 5), level, message, fields: { user: "ann" } });

const capture: Capture = {
  id: "0b7e6a3c-1111-4222-8333-944455556666",
  alert: "payments",
  stream: "checkout",
  firedAt: 1_767_323_045_000,
  entry: entry(5, "payment failed <!channel> & `rm -rf`\nsecond line", "error"),
  before: [1, 2, 3, 4].map((id) => entry(id, `before ${id}`)),
  after: [6, 7, 8, 9].map((id) => entry(id, `after ${id}`)),
  url: "https://tail.example/?stream=checkout&incident=0b7e6a3c-1111-4222-8333-944455556666",
};

describe("json format", () => {
  it("carries the id, the rule, the match and its context as the events carry entries", () => {
    const body = JSON.parse(jsonBody(capture));
    expect(Object.keys(body)).toEqual(["id", "alert", "stream", "firedAt", "entry", "before", "after", "url"]);
    expect(body.entry).toEqual(JSON.parse(capture.entry));
    expect(body.before.map((e: { id: number }) => e.id)).toEqual([1, 2, 3, 4]);
    expect(body.after.map((e: { id: number }) => e.id)).toEqual([6, 7, 8, 9]);
    expect(body).toMatchObject({ id: capture.id, alert: "payments", stream: "checkout", firedAt: capture.firedAt });
    expect(notificationBody(capture, "json")).toBe(jsonBody(capture));
  });
});

describe("slack format", () => {
  const body = slackBody(capture);
  const texts = [body.text, ...body.blocks.map((block) => (block as { text: { text: string } }).text.text)];

  it("has text, the match among three lines either side, and the link", () => {
    expect(body.text).toContain("Alert *payments* on stream *checkout*");
    expect(body.text).toContain(`<${capture.url}|Open the incident>`);
    const context = texts[2] as string;
    expect(context.startsWith("```") && context.endsWith("```")).toBe(true);
    const lines = context.slice(3, -3).split("\n");
    expect(lines).toHaveLength(7);
    expect(lines[0]).toContain("before 2");
    expect(lines[3]).toMatch(/^▶ 2026-01-02T03:04:05.000Z ERROR payment failed/);
    expect(lines[6]).toContain("after 8");
    expect(texts[3]).toContain("4 lines before, 4 after");
    expect(JSON.parse(notificationBody(capture, "slack"))).toEqual(body);
  });

  it("lets no log text mention, link, close the code block or add lines", () => {
    for (const text of texts) expect(text).not.toContain("<!channel>");
    const context = (texts[2] as string).slice(3, -3);
    expect(context).toContain("&lt;!channel&gt; &amp; ˋrm -rfˋ ⏎ second line");
    expect(context).not.toContain("`");
  });

  it("stays within a section's 3000 characters whatever the lines' length", () => {
    const long = { ...capture, before: [entry(1, "<".repeat(5000))], after: [entry(6, "&".repeat(5000))] };
    const context = (slackBody(long).blocks[1] as { text: { text: string } }).text.text;
    expect(context.length).toBeLessThanOrEqual(3000);
  });
});
