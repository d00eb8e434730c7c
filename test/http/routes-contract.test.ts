// The shippers' routes against the inputs issue 12 names: each a 4xx naming the problem or a sane entry.
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../lib/types";
import { freshStream, lastId, request, Subscription } from "../helpers";
import { type AnyValue, lokiJson, lokiProto, otlpJson, otlpProto, rpcStatus, snappyBlock } from "./wire";

const nowNanos = () => String(Date.now() * 1_000_000);

function post(path: string, body: BodyInit, headers: Record<string, string>): Promise<Response> {
  return request(path, { method: "POST", headers, body });
}

async function entries(stream: string, count: number): Promise<LogEntry[]> {
  const sub = await Subscription.open(stream, `?tail=${count}`);
  await sub.untilLogs(count);
  await sub.close();
  return sub.logs;
}

const JSON_TYPE = { "Content-Type": "application/json" };
const PROTO_TYPE = { "Content-Type": "application/x-protobuf" };

describe("malformed OTLP and Loki shapes are a 400 naming the place, not a 500", () => {
  const otlp = [
    ['{"resourceLogs":[null]}', /resourceLogs\[0\] must be an object/],
    ['{"resourceLogs":[{"scopeLogs":5}]}', /resourceLogs\[0\]\.scopeLogs must be an array/],
    [
      '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"k","value":{"intValue":"x"}}]}]}]}]}',
      /intValue/,
    ],
    ['{"resourceLogs":{}}', /resourceLogs must be an array/],
    ["[]", /ExportLogsServiceRequest/],
  ] as const;
  for (const [body, problem] of otlp) {
    it(`OTLP ${body}`, async () => {
      const stream = freshStream();
      const response = await post(`/otlp/${stream}/v1/logs`, body, JSON_TYPE);
      expect(response.status).toBe(400);
      const status = await response.json<{ code: number; message: string }>();
      expect(status.code).toBe(3);
      expect(status.message).toMatch(problem);
      expect(await lastId(stream)).toBe(0);
    });
  }
  const loki = [
    ['{"streams":[null]}', /streams\[0\] must be an object/],
    ['{"streams":[{"stream":{"stream":"s"},"values":5}]}', /streams\[0\]\.values must be an array/],
    ['{"streams":[{"stream":{"stream":"s"},"values":[[1]]}]}', /\[timestamp, line\]/],
    ['{"streams":[{"stream":{"stream":"s"},"values":[["1",{}]]}]}', /line, must be a string/],
    ['{"streams":[{"stream":{"stream":5},"values":[]}]}', /stream\.stream must be a string/],
    ['{"streams":[{"stream":{"stream":"s"},"values":[["1","x",{"k":{"deep":1}}]]}]}', /must be a string/],
    ['{"streams":5}', /streams must be an array/],
  ] as const;
  for (const [body, problem] of loki) {
    it(`Loki ${body}`, async () => {
      const response = await post("/loki/api/v1/push", body, JSON_TYPE);
      expect(response.status).toBe(400);
      expect((await response.json<{ error: string }>()).error).toMatch(problem);
    });
  }
});

describe("nesting depth", () => {
  const nest = (depth: number): AnyValue => {
    let value: AnyValue = { stringValue: "bottom" };
    for (let i = 1; i < depth; i++) value = { kvlistValue: { values: [{ key: "k", value }] } };
    return value;
  };
  for (const [encoding, encodeBody, headers] of [
    ["JSON", (r: Parameters<typeof otlpJson>[0]) => otlpJson(r), JSON_TYPE],
    ["protobuf", (r: Parameters<typeof otlpJson>[0]) => otlpProto(r), PROTO_TYPE],
  ] as const) {
    it(`refuses OTLP ${encoding} attributes nested past 32 levels with 400, and takes 32`, async () => {
      const stream = freshStream();
      const body = (depth: number) =>
        encodeBody([
          { attributes: [], records: [{ body: { stringValue: "m" }, attributes: [{ key: "a", value: nest(depth) }] }] },
        ]);
      for (const depth of [33, 1000]) {
        const refused = await post(`/otlp/${stream}/v1/logs`, body(depth) as BodyInit, headers);
        expect(refused.status, `depth ${depth}`).toBe(400);
      }
      expect(await lastId(stream)).toBe(0);
      expect((await post(`/otlp/${stream}/v1/logs`, body(32) as BodyInit, headers)).status).toBe(200);
      expect(await lastId(stream)).toBe(1);
    });
  }
});

describe("times", () => {
  it("an OTLP time out of range becomes the time of receipt, the sent value kept in fields._time", async () => {
    const stream = freshStream();
    const before = Date.now();
    const json = otlpJson([
      { attributes: [], records: [{ timeUnixNano: "-1", body: { stringValue: "minus one" } }] },
    ]).replace('"-1"', '"-1"');
    expect((await post(`/otlp/${stream}/v1/logs`, json, JSON_TYPE)).status).toBe(200);
    const proto = otlpProto([
      { attributes: [], records: [{ timeUnixNano: "18446744073709551615", body: { stringValue: "wrapped" } }] },
    ]);
    expect((await post(`/otlp/${stream}/v1/logs`, proto, PROTO_TYPE)).status).toBe(200);
    const [minus, wrapped] = await entries(stream, 2);
    expect(minus?.time).toBeGreaterThanOrEqual(before);
    expect(minus?.fields?._time).toBe("-1");
    expect(wrapped?.time).toBeLessThanOrEqual(Date.now());
    expect(wrapped?.fields?._time).toBe("18446744073709551615");
  });

  it("a Loki time of 1e23 becomes the time of receipt, kept in fields._time; a good one is kept", async () => {
    const stream = freshStream();
    const body = `{"streams":[{"stream":{"stream":"${stream}"},"values":[[1e23,"far"],["1700000000000000000","then"]]}]}`;
    expect((await post("/loki/api/v1/push", body, JSON_TYPE)).status).toBe(204);
    const [far, then] = await entries(stream, 2);
    expect(far?.time).toBeLessThanOrEqual(Date.now());
    expect(far?.fields?._time).toBe(1e23);
    expect(then?.time).toBe(1_700_000_000_000);
  });
});

describe("stream names from labels and attributes", () => {
  for (const name of [".", "..", "a/b"]) {
    it(`a Loki stream label ${JSON.stringify(name)} is a 400 and stores nothing`, async () => {
      const good = freshStream();
      const body = lokiJson([
        { labels: { stream: good }, values: [[nowNanos(), "fine"]] },
        { labels: { stream: name, job: "j" }, values: [[nowNanos(), "bad"]] },
      ]);
      const response = await post("/loki/api/v1/push", body, JSON_TYPE);
      expect(response.status).toBe(400);
      expect(await lastId(good)).toBe(0);
    });
  }

  it("a push to more than 100 streams is a 413 that stores nothing", async () => {
    const names = Array.from({ length: 101 }, () => freshStream());
    const body = lokiJson(names.map((stream) => ({ labels: { stream }, values: [[nowNanos(), "x"]] })));
    const response = await post("/loki/api/v1/push", body, JSON_TYPE);
    expect(response.status).toBe(413);
    expect((await response.json<{ error: string }>()).error).toMatch(/101 streams, at most 100/);
    expect(await lastId(names[0] as string)).toBe(0);
  });

  it("POST /v1/logs sends each resource to the stream its service.name names", async () => {
    const [a, b] = [freshStream(), freshStream()];
    const service = (name: string) => [{ key: "service.name", value: { stringValue: name } }];
    const body = otlpProto([
      { attributes: service(a), records: [{ body: { stringValue: "to a" }, severityText: "WARN" }] },
      { attributes: service(b), records: [{ body: { stringValue: "to b" } }] },
      { attributes: service(a), records: [{ body: { stringValue: "to a again" } }] },
    ]);
    const response = await post("/v1/logs", body, PROTO_TYPE);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/x-protobuf");
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    expect((await entries(a, 2)).map((e) => [e.level, e.message, e.fields?.["service.name"]])).toEqual([
      ["warn", "to a", a],
      [null, "to a again", a],
    ]);
    expect((await entries(b, 1)).map((e) => e.message)).toEqual(["to b"]);
  });

  it("POST /v1/logs refuses a resource without service.name, or with one that is no stream name", async () => {
    const good = freshStream();
    for (const attributes of [[], [{ key: "service.name", value: { stringValue: "unknown_service:node" } }]]) {
      const body = otlpJson([
        {
          attributes: [{ key: "service.name", value: { stringValue: good } }],
          records: [{ body: { stringValue: "x" } }],
        },
        { attributes, records: [{ body: { stringValue: "y" } }] },
      ]);
      const response = await post("/v1/logs", body, JSON_TYPE);
      expect(response.status).toBe(400);
      expect((await response.json<{ message: string }>()).message).toMatch(/service\.name|OTEL_SERVICE_NAME/);
    }
    expect(await lastId(good)).toBe(0);
  });
});

describe("OTLP/HTTP answers in the request's encoding", () => {
  it("protobuf: 200 with an empty ExportLogsServiceResponse; 400 with a protobuf google.rpc.Status", async () => {
    const stream = freshStream();
    const ok = await post(
      `/otlp/${stream}/v1/logs`,
      otlpProto([{ attributes: [], records: [{ body: { stringValue: "hi" } }] }]),
      PROTO_TYPE,
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Content-Type")).toBe("application/x-protobuf");
    expect((await ok.arrayBuffer()).byteLength).toBe(0);
    const bad = await post(`/otlp/${stream}/v1/logs`, new Uint8Array([0x0a, 0x05, 0x01]), PROTO_TYPE);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("Content-Type")).toBe("application/x-protobuf");
    const status = rpcStatus(new Uint8Array(await bad.arrayBuffer()));
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/Malformed OTLP protobuf/);
    const badName = await post("/otlp/..%2F/v1/logs", new Uint8Array(), PROTO_TYPE);
    expect(badName.status).toBe(400);
    expect(rpcStatus(new Uint8Array(await badName.arrayBuffer())).message).toMatch(/stream name/);
  });

  it("JSON: 200 with {}; 400 with {code, message}", async () => {
    const stream = freshStream();
    const ok = await post(`/otlp/${stream}/v1/logs`, otlpJson([]), JSON_TYPE);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({});
    const bad = await post(`/otlp/${stream}/v1/logs`, "{", JSON_TYPE);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ code: 3, message: expect.stringMatching(/Malformed JSON/) });
  });
});

describe("Loki protobuf", () => {
  it("takes Snappy-compressed protobuf with no Content-Type, labels parsed and metadata as fields; 204", async () => {
    const stream = freshStream();
    const body = snappyBlock(
      lokiProto([
        {
          labels: { stream, app: 'say "hi"', level: "error" },
          values: [["1700000000123000000", "it broke", { trace_id: "abc" }]],
        },
      ]),
    );
    const response = await post("/loki/api/v1/push", body, {});
    expect(response.status).toBe(204);
    const [entry] = await entries(stream, 1);
    expect(entry).toMatchObject({
      time: 1_700_000_000_123,
      level: "error",
      message: "it broke",
      fields: { app: 'say "hi"', level: "error", trace_id: "abc" },
    });
  });

  it("takes Content-Encoding: snappy as Vector sends it, and a body that is not Snappy is a 400", async () => {
    const stream = freshStream();
    const proto = lokiProto([{ labels: { stream }, values: [[nowNanos(), "from vector"]] }]);
    const ok = await post("/loki/api/v1/push", snappyBlock(proto), { ...PROTO_TYPE, "Content-Encoding": "snappy" });
    expect(ok.status).toBe(204);
    const raw = await post("/loki/api/v1/push", proto, PROTO_TYPE);
    expect(raw.status).toBe(400);
    expect((await raw.json<{ error: string }>()).error).toMatch(/Snappy/);
    expect(await lastId(stream)).toBe(1);
  });

  it("checks a Snappy body's declared length against MAX_BODY_BYTES before decompressing", async () => {
    // A varint declaring 4 GiB - 1, then nothing: refused for its size, not for being short.
    const bomb = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    const response = await post("/loki/api/v1/push", bomb, PROTO_TYPE);
    expect(response.status).toBe(413);
    const logs = await post(`/api/streams/${freshStream()}/logs`, bomb, {
      "Content-Type": "text/plain",
      "Content-Encoding": "snappy",
    });
    expect(logs.status).toBe(413);
  });
});

describe("Content-Type", () => {
  it("Loki refuses another type with 415 naming what it takes; OTLP too, in JSON", async () => {
    const loki = await post("/loki/api/v1/push", "x", { "Content-Type": "text/plain" });
    expect(loki.status).toBe(415);
    expect((await loki.json<{ error: string }>()).error).toMatch(/application\/x-protobuf .*application\/json/);
    const otlp = await post("/v1/logs", "x", { "Content-Type": "application/xml" });
    expect(otlp.status).toBe(415);
    expect(await otlp.json()).toEqual({ code: 3, message: expect.stringMatching(/application\/x-protobuf/) });
  });
});

describe("Content-Encoding: snappy on every ingest route", () => {
  it("text, NDJSON, OTLP JSON and Loki JSON", async () => {
    const stream = freshStream();
    const utf8 = new TextEncoder();
    const sends: [string, string, string][] = [
      [`/api/streams/${stream}/logs`, "text/plain", "one\ntwo"],
      [`/api/streams/${stream}/logs`, "application/x-ndjson", '{"msg":"three"}'],
      [
        `/otlp/${stream}/v1/logs`,
        "application/json",
        otlpJson([{ attributes: [], records: [{ body: { stringValue: "four" } }] }]),
      ],
      ["/loki/api/v1/push", "application/json", lokiJson([{ labels: { stream }, values: [[nowNanos(), "five"]] }])],
    ];
    for (const [path, type, text] of sends) {
      const response = await post(path, snappyBlock(utf8.encode(text)), {
        "Content-Type": type,
        "Content-Encoding": "snappy",
      });
      expect(response.status, path).toBeLessThan(300);
    }
    expect((await entries(stream, 5)).map((e) => e.message)).toEqual(["one", "two", "three", "four", "five"]);
  });
});

describe("Idempotency-Key", () => {
  it("the same key with a different body is a 422 saying so, and stores nothing", async () => {
    const stream = freshStream();
    const send = (body: string) =>
      post(`/api/streams/${stream}/logs`, body, { "Content-Type": "text/plain", "Idempotency-Key": "k-1" });
    const first = await send("one\ntwo");
    expect(await first.json()).toEqual({ accepted: 2, firstId: 1, lastId: 2 });
    const other = await send("three");
    expect(other.status).toBe(422);
    expect((await other.json<{ error: string }>()).error).toMatch(
      /Idempotency-Key "k-1" was used for a different batch/,
    );
    expect(await lastId(stream)).toBe(2);
    expect(await (await send("one\ntwo")).json()).toEqual({ accepted: 2, firstId: 1, lastId: 2 });
  });
});
