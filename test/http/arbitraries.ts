// Hostile inputs for the property tests: JSON built from the keys the decoders read, and valid bodies
// with one part replaced.
import fc from "fast-check";

// Hostile JSON: the keys the decoders look for, with values of every type, nested at random.
const KEYS = [
  "resourceLogs",
  "resource",
  "attributes",
  "scopeLogs",
  "logRecords",
  "timeUnixNano",
  "observedTimeUnixNano",
  "body",
  "stringValue",
  "intValue",
  "doubleValue",
  "boolValue",
  "kvlistValue",
  "arrayValue",
  "values",
  "key",
  "value",
  "severityNumber",
  "severityText",
  "traceId",
  "streams",
  "stream",
  "job",
  "service.name",
  "msg",
  "level",
  "time",
  "__proto__",
  "constructor",
];
export const leaf = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1e23, Number.MAX_VALUE, "", "-1", "1e23", "99999999999999999999999", ".", ".."),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
);
export const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("tree"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie("tree"), { maxKeys: 4 }),
  ),
}));

/** What replaces one part of a valid body: null most often, as it broke the decoders most. */
export const wrong = fc.oneof(
  { arbitrary: fc.constant(null), weight: 2 },
  { arbitrary: leaf, weight: 2 },
  { arbitrary: tree, weight: 1 },
);

/** Every place in a JSON value, as paths of keys and indexes. */
function places(
  value: unknown,
  path: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(path);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) places(item, [...path, i], out);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) places(item, [...path, key], out);
  }
  return out;
}

/** `value` with the place `pick` chooses replaced by `replacement`: a valid shape with one wrong part. */
export function mutate(value: unknown, pick: number, replacement: unknown): unknown {
  const all = places(value);
  const path = all[pick % all.length] ?? [];
  if (path.length === 0) return replacement;
  let parent = value as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path[path.length - 1] as string | number] = replacement;
  return value;
}

/** Two fixed streams the structured bodies name, so a refusal can be checked to store nothing there. */
export function shapes(streams: [string, string]) {
  const word = fc.string({ minLength: 1, maxLength: 20 });
  const name = fc.oneof(fc.constantFrom(...streams), fc.constantFrom(".", "..", "a/b", "unknown_service:node", ""));
  const time = fc.oneof(
    fc.constant(String(Date.now() * 1e6)),
    fc.constantFrom("0", "1", "18446744073709551615", "99999999999999999999"),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
  );
  const value = fc.oneof(
    word.map((stringValue) => ({ stringValue })),
    fc.boolean().map((boolValue) => ({ boolValue })),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => ({ intValue: String(n) })),
  );
  const record = fc.record(
    {
      timeUnixNano: time,
      severityNumber: fc.integer({ min: 0, max: 30 }),
      body: value,
      attributes: fc.array(fc.record({ key: word, value }), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  );
  const resources = fc.array(
    fc.record({
      attributes: name.map((n) => [{ key: "service.name", value: { stringValue: n } }]),
      records: fc.array(record, { maxLength: 4 }),
    }),
    { maxLength: 3 },
  );
  const loki = fc.array(
    fc.record({
      labels: fc.record({ stream: name, env: word }),
      values: fc.array(fc.tuple(time, fc.string({ maxLength: 40 })), { maxLength: 4 }),
    }),
    { maxLength: 3 },
  );
  return { resources, loki };
}
