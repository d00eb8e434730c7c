import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LEVELS } from "../../lib/levels.js";
import { fieldTerm, parseQuery, type Query } from "../../lib/query.js";
import type { Level, LogEntry } from "../../lib/types";

const RUNS = { numRuns: 400 };

function compile(text: string): Query {
  const result = parseQuery(text);
  if (!result.ok) throw new Error(`${JSON.stringify(text)} does not parse: ${result.error.message}`);
  return result.query;
}

// ---------------------------------------------------------------------------------------------------------
// (1) Parsing never throws

describe("parseQuery", () => {
  const grammarish = fc.string({
    unit: fc.constantFrom(...'::""(()/-*<>=  ORAND\\abi.15'.split(""), "OR", "AND", " OR ", "level:", "\u001b"),
    maxLength: 60,
  });

  it("never throws, and its errors point into the text", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: "binary", maxLength: 80 }), grammarish),
        (text) => {
          const result = parseQuery(text);
          if (result.ok) {
            // The normalised text parses again, to itself.
            const again = parseQuery(result.query.text);
            expect(again.ok && again.query.text).toBe(result.query.text);
          } else {
            expect(result.error.position).toBeGreaterThanOrEqual(0);
            expect(result.error.position).toBeLessThanOrEqual(text.length);
            expect(result.error.message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// (2) Generated queries evaluate as a reference evaluator says

type Cmp = ">" | ">=" | "<" | "<=";
type Ast =
  | { k: "and"; c: Ast[]; sep: string; wrap: boolean }
  | { k: "or"; c: Ast[]; wrap: boolean }
  | { k: "not"; c: Ast }
  | { k: "text"; v: string; quoted: boolean }
  | { k: "regex"; src: string; flags: string }
  | { k: "eq"; path: string[]; v: string; quoted: boolean }
  | { k: "glob"; path: string[]; parts: string[]; quoted: boolean }
  | { k: "exists"; path: string[] }
  | { k: "cmp"; path: string[]; op: Cmp; n: number }
  | { k: "level"; op: Cmp | "eq"; name: string };

const WORDS = [
  "timeout",
  "Reset",
  "up",
  "GET",
  "503",
  "ann",
  "a",
  "x/y",
  "foo-bar",
  "café",
  "30s",
  "true",
  "*",
  'say "hi"',
];
const VALUES = [
  "pro",
  "PRO",
  "free",
  "ann lee",
  "Ann",
  "bob",
  "503",
  "404",
  "200",
  "/api/orders/42",
  "/healthz",
  "true",
  "null",
  "x*y",
];
const PATHS = [
  ["status"],
  ["ms"],
  ["user", "plan"],
  ["user", "name"],
  ["tags"],
  ["route"],
  ["flag"],
  ["id"],
  ["stream"],
  ["message"],
];
const REGEXES = ["time(d)? ?out", "^up", "reset$", "o+", "[0-9]{3}", "a|b", "\\d+s", "x\\/y", "^$", "é"];
const NUMBERS = [-1, 0, 2, 5, 200, 250, 300, 404, 500, 503, 1e3];
const LEVEL_NAMES = [...LEVELS, "warning", "err", "critical", "30"];

const path = fc.constantFrom(...PATHS);
const leaf: fc.Arbitrary<Ast> = fc.oneof(
  fc.record({ k: fc.constant("text" as const), v: fc.constantFrom(...WORDS), quoted: fc.boolean() }),
  fc.record({
    k: fc.constant("regex" as const),
    src: fc.constantFrom(...REGEXES),
    flags: fc.subarray(["i", "m", "s"]).map((f) => f.join("")),
  }),
  fc.record({
    k: fc.constant("eq" as const),
    path,
    v: fc.constantFrom(...VALUES, ...NUMBERS.map(String)),
    quoted: fc.boolean(),
  }),
  fc.record({
    k: fc.constant("glob" as const),
    path,
    parts: fc.array(fc.constantFrom("", "a", "/api", "42", "ann", "o", "p", "2"), { minLength: 2, maxLength: 4 }),
    quoted: fc.boolean(),
  }),
  fc.record({ k: fc.constant("exists" as const), path }),
  fc.record({
    k: fc.constant("cmp" as const),
    path,
    op: fc.constantFrom<Cmp>(">", ">=", "<", "<="),
    n: fc.constantFrom(...NUMBERS),
  }),
  fc.record({
    k: fc.constant("level" as const),
    op: fc.constantFrom<Cmp | "eq">("eq", ">", ">=", "<", "<="),
    name: fc.constantFrom(...LEVEL_NAMES),
  }),
);

const { ast } = fc.letrec<{ ast: Ast }>((tie) => ({
  ast: fc.oneof(
    { maxDepth: 4, depthIdentifier: "ast" },
    leaf,
    fc.record({ k: fc.constant("not" as const), c: tie("ast") }),
    fc.record({
      k: fc.constant("and" as const),
      c: fc.array(tie("ast"), { minLength: 2, maxLength: 4 }),
      sep: fc.constantFrom(" ", "  ", " AND ", "\t"),
      wrap: fc.boolean(),
    }),
    fc.record({
      k: fc.constant("or" as const),
      c: fc.array(tie("ast"), { minLength: 2, maxLength: 4 }),
      wrap: fc.boolean(),
    }),
  ),
}));

function quoted(text: string, star: boolean): string {
  return `"${text.replace(star ? /["\\*]/g : /["\\]/g, "\\$&")}"`;
}

function printAst(a: Ast, parent: Ast["k"] | null): string {
  switch (a.k) {
    case "and": {
      const text = a.c.map((c) => printAst(c, "and")).join(a.sep);
      return a.wrap || parent === "not" ? `(${text})` : text;
    }
    case "or": {
      const text = a.c.map((c) => printAst(c, "or")).join(" OR ");
      return a.wrap || parent === "and" || parent === "not" ? `(${text})` : text;
    }
    case "not":
      return a.c.k === "not" ? `-(${printAst(a.c, null)})` : `-${printAst(a.c, "not")}`;
    case "text":
      return a.quoted || !/^[\w.]+$/.test(a.v) ? quoted(a.v, false) : a.v;
    case "regex":
      return `/${a.src}/${a.flags}`;
    case "eq":
      return `${a.path.join(".")}:${a.quoted || !/^[\w./]+$/.test(a.v) ? quoted(a.v, true) : a.v}`;
    case "glob": {
      const bare = !a.quoted && a.parts.every((p) => /^[\w/]*$/.test(p)) && a.parts.join("") !== "";
      const value = bare ? a.parts.join("*") : `"${a.parts.map((p) => p.replace(/["\\*]/g, "\\$&")).join("*")}"`;
      return `${a.path.join(".")}:${value}`;
    }
    case "exists":
      return `${a.path.join(".")}:*`;
    case "cmp":
      return `${a.path.join(".")}:${a.op}${a.n}`;
    case "level":
      return `level:${a.op === "eq" ? "" : a.op}${a.name}`;
  }
}

// The reference: written for clarity, from the language description, not from the implementation.
const ALIAS: Record<string, Level> = { warning: "warn", err: "error", critical: "fatal", "30": "info" };
const rank = (name: string | null | undefined) => (name ? LEVELS.indexOf((ALIAS[name] ?? name) as Level) : -1);
const plain = (message: string) => message.replaceAll("\u001b[31m", "").replaceAll("\u001b[0m", "");

function scalars(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(scalars);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(scalars);
  return [value];
}

function lookup(e: LogEntry, p: string[], stream: string | undefined): unknown {
  if (p.length === 1 && p[0] === "id") return e.id;
  if (p.length === 1 && p[0] === "stream") return stream;
  if (p.length === 1 && p[0] === "message") return plain(e.message);
  let value: unknown = e.fields;
  for (const key of p)
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

function candidates(value: unknown): unknown[] {
  return Array.isArray(value) ? [value, ...value] : [value];
}

const asText = (v: unknown) =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean"
    ? String(v).toLowerCase()
    : v === null
      ? "null"
      : null;
const isNumeric = (s: string) => s.trim() !== "" && Number.isFinite(Number(s)) && /^[-+.\d]/.test(s);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const compare = (v: number, op: Cmp, n: number) =>
  op === ">" ? v > n : op === ">=" ? v >= n : op === "<" ? v < n : v <= n;

function evaluate(a: Ast, e: LogEntry, stream: string | undefined): boolean {
  switch (a.k) {
    case "and":
      return a.c.every((c) => evaluate(c, e, stream));
    case "or":
      return a.c.some((c) => evaluate(c, e, stream));
    case "not":
      return !evaluate(a.c, e, stream);
    case "text": {
      const needle = a.v.toLowerCase();
      if (plain(e.message).toLowerCase().includes(needle)) return true;
      return scalars(e.fields ?? {}).some((v) => v !== null && asText(v)?.includes(needle));
    }
    case "regex":
      return new RegExp(a.src, a.flags).test(plain(e.message));
    case "eq":
      return candidates(lookup(e, a.path, stream)).some((v) =>
        typeof v === "number" && isNumeric(a.v) ? v === Number(a.v) : asText(v) === a.v.toLowerCase(),
      );
    case "glob": {
      const re = new RegExp(`^${a.parts.map((p) => escapeRe(p.toLowerCase())).join(".*")}$`, "s");
      if (a.parts.every((p) => p === "")) return lookup(e, a.path, stream) !== undefined;
      return candidates(lookup(e, a.path, stream)).some((v) => {
        const text = asText(v);
        return text !== null && re.test(text);
      });
    }
    case "exists":
      return lookup(e, a.path, stream) !== undefined;
    case "cmp":
      return candidates(lookup(e, a.path, stream)).some((v) => typeof v === "number" && compare(v, a.op, a.n));
    case "level": {
      const have = rank(e.level);
      const want = rank(a.name);
      return have >= 0 && (a.op === "eq" ? have === want : compare(have, a.op, want));
    }
  }
}

const levelArb = fc.constantFrom<Level | null>(null, ...LEVELS);
const entryArb: fc.Arbitrary<LogEntry> = fc.record(
  {
    id: fc.integer({ min: 0, max: 1000 }),
    time: fc.constant(0),
    level: levelArb,
    message: fc
      .array(
        fc.constantFrom(
          ...WORDS,
          "timed out",
          "TIME OUT",
          "\u001b[31m",
          "\u001b[0m",
          "upstream",
          "reset",
          "é",
          "\n",
          "x/y",
          "45s",
        ),
        {
          maxLength: 6,
        },
      )
      .map((words) => words.join(" ")),
    fields: fc.record(
      {
        status: fc.constantFrom<unknown>(200, 404, 503, "503", "404", 503.5),
        ms: fc.constantFrom<unknown>(0, 2, 5, 250, 300, "300", -1, 1e3),
        user: fc.record({ plan: fc.constantFrom(...VALUES), name: fc.constantFrom(...VALUES) }, { requiredKeys: [] }),
        tags: fc.array(fc.constantFrom<unknown>(...VALUES, 503, true, null), { maxLength: 3 }),
        route: fc.constantFrom(...VALUES),
        flag: fc.constantFrom<unknown>(true, false, null, "true"),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ["id", "time", "level", "message"] },
) as fc.Arbitrary<LogEntry>;
const streamArb = fc.constantFrom(undefined, "api", "API", "web", "pro");

describe("generated queries", () => {
  it("evaluate as the reference does, before and after normalisation", () => {
    fc.assert(
      fc.property(ast, fc.array(fc.tuple(entryArb, streamArb), { minLength: 1, maxLength: 10 }), (tree, entries) => {
        const text = printAst(tree, null);
        const query = compile(text);
        const normalised = compile(query.text);
        for (const [e, stream] of entries) {
          const expected = evaluate(tree, e, stream);
          expect(query.match(e, stream), `${text} on ${JSON.stringify(e)} (${stream})`).toBe(expected);
          expect(normalised.match(e, stream), `${query.text} on ${JSON.stringify(e)}`).toBe(expected);
        }
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// (3) fieldTerm round-trips

describe("fieldTerm", () => {
  const key = fc.string({
    minLength: 1,
    maxLength: 8,
    unit: fc.oneof(fc.constantFrom(...' .:()"\\*-/>0OR\t'), fc.string({ minLength: 1, maxLength: 1 })),
  });
  const keys = fc
    .array(key, { minLength: 1, maxLength: 3 })
    .filter((k) => !(k.length === 1 && ["message", "level", "id", "stream"].includes(k[0] as string)));
  const value = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.string({ unit: fc.constantFrom(...' *"\\()<>=:-OR/a1'), maxLength: 8 }),
    fc.string({ unit: "binary", maxLength: 6 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );

  it("re-parses to a query matching exactly that value", () => {
    fc.assert(
      fc.property(keys, value, fc.boolean(), (segments, v, dotted) => {
        const fields = segments.reduceRight<unknown>((inner, k) => ({ [k]: inner }), v) as Record<string, unknown>;
        const e: LogEntry = { id: 1, time: 0, level: null, message: "", fields };
        // A dotted string works when no key holds a dot itself.
        const usePath = dotted && segments.every((s) => !s.includes(".")) ? segments.join(".") : segments;
        const term = fieldTerm(usePath, v);
        const query = compile(term);
        expect(query.match(e), term).toBe(true);
        expect(compile(fieldTerm(usePath, v, true)).match(e), term).toBe(false);
        const other = segments.reduceRight<unknown>((inner, k) => ({ [k]: inner }), { nested: v });
        expect(query.match({ ...e, fields: other as Record<string, unknown> }), term).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// (4) match never throws

describe("match", () => {
  const queries = [
    "timeout",
    '"a b" -c',
    "/x+/i",
    "a.b:1 a.b:>2 a:* -a.c:x*y",
    "level:>=warn OR level:*",
    "stream:s id:>3 message:m*",
    "0:x tags:true",
  ].map(compile);
  it("never throws on JSON-ish entries", () => {
    fc.assert(
      fc.property(
        fc.record({
          id: fc.oneof(fc.integer(), fc.anything()),
          time: fc.anything(),
          level: fc.oneof(levelArb, fc.anything()),
          message: fc.oneof(fc.string(), fc.anything()),
          fields: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.anything()),
        }),
        fc.option(fc.string()),
        (e, stream) => {
          for (const query of queries) {
            expect(typeof query.match(e as unknown as LogEntry, stream ?? undefined)).toBe("boolean");
            expect(Array.isArray(query.highlights(typeof e.message === "string" ? e.message : ""))).toBe(true);
          }
        },
      ),
      RUNS,
    );
  });
});
