// One contract on every ingest route, in every encoding: 2xx, or a 4xx whose body names the problem (JSON, or a
// google.rpc.Status on the OTLP routes, in the request's encoding); never a 5xx; a refusal stores nothing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { freshStream, lastId, request } from "../helpers";
import { leaf, mutate, shapes, tree, wrong } from "./arbitraries";
import { type Encoding, encode, lokiJson, lokiProto, otlpJson, otlpProto, rpcStatus, snappyBlock } from "./wire";

const utf8 = new TextEncoder();

/** Checks an answer against the contract; returns whether it was accepted. */
async function checkAnswer(response: Response, route: Route): Promise<boolean> {
  const { status } = response;
  expect(status, `status ${status}`).toBeLessThan(500);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (status < 300) return true;
  expect(status).toBeGreaterThanOrEqual(400);
  const type = response.headers.get("Content-Type") ?? "";
  if (route.kind === "otlp" && route.format === "proto") {
    expect(type).toBe("application/x-protobuf");
    const { code, message } = rpcStatus(bytes);
    expect(code).toBeGreaterThan(0);
    expect(message.length).toBeGreaterThan(10);
  } else if (route.kind === "otlp") {
    expect(type).toMatch(/^application\/json/);
    const { code, message } = JSON.parse(new TextDecoder().decode(bytes)) as { code: number; message: string };
    expect(code).toBeGreaterThan(0);
    expect(message.length).toBeGreaterThan(10);
  } else {
    expect(type).toMatch(/^application\/json/);
    const { error } = JSON.parse(new TextDecoder().decode(bytes)) as { error: string };
    expect(error.length).toBeGreaterThan(10);
  }
  return false;
}

interface Route {
  kind: "logs" | "otlp" | "loki";
  format: string;
  /** The path, for a stream named in the path. */
  path: (stream: string) => string;
  contentType?: string;
}

const ROUTES: Route[] = [
  { kind: "logs", format: "text", path: (s) => `/api/streams/${s}/logs`, contentType: "text/plain" },
  { kind: "logs", format: "ndjson", path: (s) => `/api/streams/${s}/logs`, contentType: "application/x-ndjson" },
  { kind: "logs", format: "json", path: (s) => `/api/streams/${s}/logs`, contentType: "application/json" },
  { kind: "otlp", format: "json", path: (s) => `/otlp/${s}/v1/logs`, contentType: "application/json" },
  { kind: "otlp", format: "proto", path: (s) => `/otlp/${s}/v1/logs`, contentType: "application/x-protobuf" },
  { kind: "otlp", format: "json", path: () => "/v1/logs", contentType: "application/json" },
  { kind: "otlp", format: "proto", path: () => "/v1/logs", contentType: "application/x-protobuf" },
  { kind: "loki", format: "json", path: () => "/loki/api/v1/push", contentType: "application/json" },
  { kind: "loki", format: "proto", path: () => "/loki/api/v1/push", contentType: "application/x-protobuf" },
  { kind: "loki", format: "proto", path: () => "/loki/api/v1/push" },
];
const ENCODINGS: Encoding[] = ["identity", "gzip", "deflate", "snappy"];

/** A body for `route`: structured and valid-looking, one with a wrong part, hostile JSON, random bytes, or cut short. */
function bodies(route: Route, streams: [string, string]): fc.Arbitrary<Uint8Array> {
  const { resources, loki } = shapes(streams);
  const randomBytes = fc.uint8Array({ maxLength: 200 });
  const hostile = tree.map((value) => utf8.encode(JSON.stringify(value) ?? "null"));
  let structured: fc.Arbitrary<Uint8Array>;
  if (route.kind === "otlp") {
    structured = resources.map((r) => (route.format === "proto" ? otlpProto(r) : utf8.encode(otlpJson(r))));
  } else if (route.kind === "loki") {
    structured = loki.map((s) => (route.format === "proto" ? snappyBlock(lokiProto(s)) : utf8.encode(lokiJson(s))));
  } else {
    structured = fc
      .array(fc.record({ msg: fc.string(), level: leaf, time: leaf }), { maxLength: 5 })
      .map((items) =>
        utf8.encode(route.format === "ndjson" ? items.map((i) => JSON.stringify(i)).join("\n") : JSON.stringify(items)),
      );
  }
  const truncated = fc
    .tuple(structured, fc.nat())
    .map(([bytes, cut]) => (bytes.length === 0 ? bytes : bytes.subarray(0, cut % bytes.length)));
  if (route.format === "proto" || route.format === "text") return fc.oneof(structured, hostile, randomBytes, truncated);
  const decoder = new TextDecoder();
  const wrongPart = fc.tuple(structured, fc.nat(), wrong).map(([bytes, pick, replacement]) => {
    const lines = decoder.decode(bytes).split("\n");
    const at = pick % lines.length;
    lines[at] = JSON.stringify(mutate(JSON.parse(lines[at] || "null"), pick, replacement)) ?? "null";
    return utf8.encode(lines.join("\n"));
  });
  return fc.oneof(structured, wrongPart, wrongPart, hostile, randomBytes, truncated);
}

async function send(route: Route, stream: string, payload: Uint8Array, encoding: Encoding, raw: boolean) {
  // A Loki protobuf body is already Snappy; Content-Encoding: snappy then says so instead of compressing again.
  const already = route.kind === "loki" && route.format === "proto" && encoding === "snappy";
  const { body, headers } =
    raw || already ? { body: payload, headers: {} as Record<string, string> } : await encode(payload, encoding);
  if ((raw || already) && encoding !== "identity") headers["Content-Encoding"] = encoding;
  if (route.contentType !== undefined) headers["Content-Type"] = route.contentType;
  return request(route.path(stream), { method: "POST", headers, body });
}

describe("every ingest route, every encoding, hostile bodies", () => {
  for (const route of ROUTES) {
    const label = `${route.path("{stream}")} ${route.contentType ?? "(no Content-Type)"}`;
    it(`${label}: 2xx or a 4xx naming the problem, never 5xx; a refusal stores nothing`, async () => {
      const streams: [string, string] = [freshStream(), freshStream()];
      const seen = { accepted: 0, refused: 0 };
      await fc.assert(
        fc.asyncProperty(
          bodies(route, streams),
          fc.constantFrom(...ENCODINGS),
          fc.boolean(),
          async (payload, encoding, raw) => {
            const before = await Promise.all(streams.map(lastId));
            const response = await send(route, streams[0], payload, encoding, raw);
            const accepted = await checkAnswer(response, route);
            seen[accepted ? "accepted" : "refused"]++;
            if (!accepted) expect(await Promise.all(streams.map(lastId))).toEqual(before);
          },
        ),
        { numRuns: 120 },
      );
      // Both outcomes were exercised, so neither check above passed vacuously.
      expect(seen.accepted).toBeGreaterThan(0);
      expect(seen.refused).toBeGreaterThan(0);
    });
  }
});
