import { describe, expect, it } from "vitest";
import { parseLokiPush } from "../../src/ingest/loki";
import { parseOtlpJson } from "../../src/ingest/otlp";
import { freshStream, request, Subscription } from "../helpers";

const NOW = 1_700_000_000_000;

async function gzip(text: string, format: "gzip" | "deflate" = "gzip"): Promise<ArrayBuffer> {
  return new Response(new Blob([text]).stream().pipeThrough(new CompressionStream(format))).arrayBuffer();
}

const otlpBody = {
  resourceLogs: [
    {
      resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] },
      scopeLogs: [
        {
          logRecords: [
            {
              timeUnixNano: "1700000000123456789",
              severityNumber: 17,
              severityText: "ERROR",
              body: { stringValue: "payment failed" },
              attributes: [
                { key: "order", value: { intValue: "42" } },
                { key: "tags", value: { arrayValue: { values: [{ stringValue: "a" }, { boolValue: true }] } } },
              ],
              traceId: "5b8efff798038103d269b633813fc60c",
            },
            { severityNumber: 10, body: { kvlistValue: { values: [{ key: "k", value: { doubleValue: 1.5 } }] } } },
          ],
        },
      ],
    },
  ],
};

describe("OTLP/HTTP JSON", () => {
  it("maps body, severity, time and attributes", () => {
    expect(parseOtlpJson(JSON.stringify(otlpBody), NOW)).toEqual([
      {
        time: 1_700_000_000_123,
        level: "error",
        message: "payment failed",
        fields: {
          "service.name": "checkout",
          order: 42,
          tags: ["a", true],
          trace_id: "5b8efff798038103d269b633813fc60c",
        },
      },
      { time: NOW, level: "info", message: '{"k":1.5}', fields: { "service.name": "checkout" } },
    ]);
  });

  it("is accepted at /otlp/{stream}/v1/logs and reaches the stream", async () => {
    const stream = freshStream();
    const sub = await Subscription.open(stream, "?tail=0");
    const response = await request(`/otlp/${stream}/v1/logs`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(otlpBody),
    });
    expect(response.status).toBe(200);
    await sub.untilLogs(2);
    expect(sub.logs.map((entry) => entry.message)).toEqual(["payment failed", '{"k":1.5}']);
    await sub.close();
  });

  it("refuses another Content-Type with 415 naming both encodings, as a JSON google.rpc.Status", async () => {
    const response = await request(`/otlp/${freshStream()}/v1/logs`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "x",
    });
    expect(response.status).toBe(415);
    const status = await response.json<{ code: number; message: string }>();
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/application\/x-protobuf or application\/json/);
  });
});

describe("Loki push API", () => {
  it("names the stream from the first stream label and keeps the other labels as fields", () => {
    const body = {
      streams: [
        {
          stream: { job: "api", level: "warn", env: "prod" },
          values: [
            ["1700000000000000000", "slow request"],
            ["1700000001000000000", '{"msg":"json line","level":"error","user":7}', { trace: "t1" }],
          ],
        },
        { stream: { service_name: "web", job: "ignored" }, values: [["1700000002000000000", "INFO up\nand running"]] },
      ],
    };
    const groups = parseLokiPush(JSON.stringify(body), NOW, ["stream", "service_name", "job"]);
    const byStream = new Map(groups.map((group) => [group.stream, group.drafts]));
    expect([...byStream.keys()]).toEqual(["api", "web"]);
    expect(byStream.get("api")).toEqual([
      { time: 1_700_000_000_000, level: "warn", message: "slow request", fields: { level: "warn", env: "prod" } },
      {
        time: 1_700_000_001_000,
        level: "error",
        message: "json line",
        fields: { level: "warn", env: "prod", trace: "t1", user: 7 },
      },
    ]);
    expect(byStream.get("web")?.[0]).toMatchObject({
      level: "info",
      message: "INFO up\nand running",
      fields: { job: "ignored" },
    });
  });

  it("is accepted at /loki/api/v1/push with 204 and refuses a stream without a naming label", async () => {
    const stream = freshStream();
    const sub = await Subscription.open(stream, "?tail=0");
    const ok = await request("/loki/api/v1/push", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        streams: [{ stream: { stream, host: "h1" }, values: [["1700000000000000000", "from loki"]] }],
      }),
    });
    expect(ok.status).toBe(204);
    await sub.untilLogs(1);
    expect(sub.logs[0]).toMatchObject({ message: "from loki", time: 1_700_000_000_000, fields: { host: "h1" } });
    const refused = await request("/loki/api/v1/push", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ streams: [{ stream: { host: "h1" }, values: [["1", "x"]] }] }),
    });
    expect(refused.status).toBe(400);
    expect((await refused.json<{ error: string }>()).error).toMatch(/stream, service_name, job/);
    await sub.close();
  });
});

describe("Content-Encoding", () => {
  it("accepts gzip and deflate bodies on every ingest route", async () => {
    const stream = freshStream();
    for (const format of ["gzip", "deflate"] as const) {
      const response = await request(`/api/streams/${stream}/logs`, {
        method: "POST",
        headers: { "Content-Type": "text/plain", "Content-Encoding": format },
        body: await gzip(`compressed with ${format}\nsecond line`, format),
      });
      expect(response.status, format).toBe(202);
    }
    const otlp = await request(`/otlp/${stream}/v1/logs`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" },
      body: await gzip(JSON.stringify(otlpBody)),
    });
    expect(otlp.status).toBe(200);
    const sub = await Subscription.open(stream);
    await sub.untilLogs(6);
    expect(sub.logs.map((entry) => entry.message).slice(0, 4)).toEqual([
      "compressed with gzip",
      "second line",
      "compressed with deflate",
      "second line",
    ]);
    await sub.close();
  });

  it("applies MAX_BODY_BYTES after decompression, and refuses unknown encodings", async () => {
    const stream = freshStream();
    const bomb = await gzip("x".repeat(200_000));
    expect(bomb.byteLength).toBeLessThan(65_536);
    const response = await request(`/api/streams/${stream}/logs`, {
      method: "POST",
      headers: { "Content-Type": "text/plain", "Content-Encoding": "gzip" },
      body: bomb,
    });
    expect(response.status).toBe(413);
    expect((await response.json<{ error: string }>()).error).toMatch(/after decompression/);
    const br = await request(`/api/streams/${stream}/logs`, {
      method: "POST",
      headers: { "Content-Type": "text/plain", "Content-Encoding": "br" },
      body: "x",
    });
    expect(br.status).toBe(415);
    const broken = await request(`/api/streams/${stream}/logs`, {
      method: "POST",
      headers: { "Content-Type": "text/plain", "Content-Encoding": "gzip" },
      body: "not gzip at all",
    });
    expect(broken.status).toBe(400);
  });
});
