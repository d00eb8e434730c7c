// A resent push stores each stream's part once (issues 22 and 25): Idempotency-Key on every ingest route, and a
// per-stream key derived from the part when the client sends none. Streams named fail-once-… fail their
// object's first append (TEST_FAIL_FIRST_APPEND, set in vitest.config.ts only): a real 5xx half-way.
import { describe, expect, it } from "vitest";
import { freshStream, lastId, request } from "../helpers";
import { lokiJson, lokiProto, otlpJson, otlpProto, snappyBlock } from "./wire";

const nanos = (ms: number) => `${ms}000000`;
const failOnce = () => `fail-once-${crypto.randomUUID()}`;

function send(path: string, body: BodyInit, headers: Record<string, string>): Promise<Response> {
  return request(path, { method: "POST", headers, body });
}

const JSON_TYPE = { "Content-Type": "application/json" };
const PROTO_TYPE = { "Content-Type": "application/x-protobuf" };

describe("a push resent after one stream's object failed stores each stream's part once", () => {
  const at = Date.now() - 1000;
  const cases = [
    [
      "Loki JSON, no key",
      "/loki/api/v1/push",
      (ok: string, bad: string) =>
        lokiJson([
          {
            labels: { stream: ok },
            values: [
              [nanos(at), "a1"],
              [nanos(at + 1), "a2"],
            ],
          },
          { labels: { stream: bad }, values: [[nanos(at), "b1"]] },
        ]),
      JSON_TYPE,
      204,
    ],
    [
      "Loki protobuf, no key",
      "/loki/api/v1/push",
      (ok: string, bad: string) =>
        snappyBlock(
          lokiProto([
            {
              labels: { stream: ok },
              values: [
                [nanos(at), "a1"],
                [nanos(at + 1), "a2"],
              ],
            },
            { labels: { stream: bad }, values: [[nanos(at), "b1"]] },
          ]),
        ),
      PROTO_TYPE,
      204,
    ],
    [
      "OTLP /v1/logs JSON, no key",
      "/v1/logs",
      (ok: string, bad: string) =>
        otlpJson([
          {
            attributes: [{ key: "service.name", value: { stringValue: ok } }],
            records: [
              { timeUnixNano: nanos(at), body: { stringValue: "a1" } },
              { timeUnixNano: nanos(at + 1), body: { stringValue: "a2" } },
            ],
          },
          {
            attributes: [{ key: "service.name", value: { stringValue: bad } }],
            records: [{ timeUnixNano: nanos(at), body: { stringValue: "b1" } }],
          },
        ]),
      JSON_TYPE,
      200,
    ],
  ] as const;
  for (const [name, path, body, headers, success] of cases) {
    it(name, async () => {
      const [ok, bad] = [freshStream(), failOnce()];
      const payload = body(ok, bad);
      const failed = await send(path, payload as BodyInit, headers);
      expect(failed.status).toBe(500);
      const resent = await send(path, payload as BodyInit, headers);
      expect(resent.status).toBe(success);
      expect(await lastId(ok)).toBe(2);
      expect(await lastId(bad)).toBe(1);
      // A third send (the answer lost again) stores nothing more on either.
      expect((await send(path, payload as BodyInit, headers)).status).toBe(success);
      expect([await lastId(ok), await lastId(bad)]).toEqual([2, 1]);
    });
  }

  it("with an Idempotency-Key the same holds, and the key with another body is a 422 that stores nothing", async () => {
    const [ok, bad] = [freshStream(), failOnce()];
    const key = { ...JSON_TYPE, "Idempotency-Key": crypto.randomUUID() };
    // No times of their own: only the client's key can tell the resend from new lines.
    const payload = lokiJson([
      { labels: { stream: ok }, values: [["0", "a1"]] },
      { labels: { stream: bad }, values: [["0", "b1"]] },
    ]);
    expect((await send("/loki/api/v1/push", payload, key)).status).toBe(500);
    expect((await send("/loki/api/v1/push", payload, key)).status).toBe(204);
    expect([await lastId(ok), await lastId(bad)]).toEqual([1, 1]);
    const other = await send("/loki/api/v1/push", payload.replace("a1", "a2"), key);
    expect(other.status).toBe(422);
    expect((await other.json<{ error: string }>()).error).toMatch(/Idempotency-Key/);
    expect([await lastId(ok), await lastId(bad)]).toEqual([1, 1]);
  });
});

describe("Idempotency-Key on the OTLP routes", () => {
  it("/otlp/{stream}/v1/logs stores a keyed export once; the key with another export is a 422 Status", async () => {
    const stream = freshStream();
    const export1 = otlpProto([{ attributes: [], records: [{ body: { stringValue: "no time" } }] }]);
    const headers = { ...PROTO_TYPE, "Idempotency-Key": crypto.randomUUID() };
    for (let i = 0; i < 3; i++) expect((await send(`/otlp/${stream}/v1/logs`, export1, headers)).status).toBe(200);
    expect(await lastId(stream)).toBe(1);
    const export2 = otlpProto([{ attributes: [], records: [{ body: { stringValue: "other" } }] }]);
    const refused = await send(`/otlp/${stream}/v1/logs`, export2, headers);
    expect(refused.status).toBe(422);
    expect(refused.headers.get("Content-Type")).toBe("application/x-protobuf");
    expect(await lastId(stream)).toBe(1);
    const empty = await send(`/otlp/${stream}/v1/logs`, export1, { ...PROTO_TYPE, "Idempotency-Key": "" });
    expect(empty.status).toBe(400);
  });

  it("lines without a time of their own and without a key are stored as often as they are sent", async () => {
    const stream = freshStream();
    const body = otlpJson([{ attributes: [], records: [{ body: { stringValue: "ping" } }] }]);
    for (let i = 0; i < 2; i++) expect((await send(`/otlp/${stream}/v1/logs`, body, JSON_TYPE)).status).toBe(200);
    expect(await lastId(stream)).toBe(2);
  });
});
