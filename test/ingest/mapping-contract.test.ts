// The shared mappings on valid shapes with one part made wrong, many times over: each returns drafts or throws
// a ClientError 400, never anything else (an exception of any other kind would be a 500).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClientError } from "../../src/errors";
import { mapLokiPush } from "../../src/ingest/loki";
import { decodeLokiPushRequest } from "../../src/ingest/loki-proto";
import { mapOtlpResources } from "../../src/ingest/otlp";
import { decodeOtlpLogsRequest } from "../../src/ingest/otlp-proto";
import { mutate, shapes, tree, wrong } from "../http/arbitraries";
import { lokiJson, lokiProto, otlpJson, otlpProto } from "../http/wire";

const NOW = Date.now();
const LABELS = ["stream", "service_name", "job"];

/** Runs `map`; a throw must be a ClientError 400 whose message says something. */
function holds(map: () => unknown): void {
  try {
    map();
  } catch (error) {
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).status).toBe(400);
    expect((error as ClientError).message.length).toBeGreaterThan(10);
  }
}

const { resources, loki } = shapes(["s-1", "s-2"]);

describe("one wrong part in a valid body is a 400 or is mapped, never another error", () => {
  it("OTLP JSON shapes", () => {
    fc.assert(
      fc.property(resources, fc.nat(), wrong, (r, pick, replacement) => {
        holds(() => mapOtlpResources(mutate(JSON.parse(otlpJson(r)), pick, replacement), NOW));
      }),
      { numRuns: 3000 },
    );
  });

  it("Loki JSON shapes", () => {
    fc.assert(
      fc.property(loki, fc.nat(), wrong, (s, pick, replacement) => {
        holds(() => mapLokiPush(mutate(JSON.parse(lokiJson(s)), pick, replacement), NOW, LABELS));
      }),
      { numRuns: 3000 },
    );
  });

  it("hostile JSON trees", () => {
    fc.assert(
      fc.property(tree, (value) => {
        holds(() => mapOtlpResources(value, NOW));
        holds(() => mapLokiPush(value, NOW, LABELS));
      }),
      { numRuns: 3000 },
    );
  });

  it("protobuf with bytes flipped or cut, decoded then mapped", () => {
    const flip = (bytes: Uint8Array, at: number, value: number) => {
      const copy = bytes.slice();
      if (copy.length > 0) copy[at % copy.length] = value;
      return copy;
    };
    fc.assert(
      fc.property(resources, loki, fc.nat(), fc.integer({ min: 0, max: 255 }), (r, s, at, value) => {
        holds(() => mapOtlpResources(decodeOtlpLogsRequest(flip(otlpProto(r), at, value)), NOW));
        holds(() => mapLokiPush(decodeLokiPushRequest(flip(lokiProto(s), at, value)), NOW, LABELS));
      }),
      { numRuns: 3000 },
    );
  });
});
