import { describe, expect, it } from "vitest";
import { fieldTerm, formatQueryError, MAX_QUERY_DEPTH, MAX_QUERY_LENGTH, parseQuery } from "../../lib/query.js";
import type { LogEntry } from "../../lib/types";

function compile(text: string) {
  const result = parseQuery(text);
  if (!result.ok) throw new Error(`${text}: ${formatQueryError(text, result.error)}`);
  return result.query;
}

function entry(partial: Partial<LogEntry>): LogEntry {
  return { id: 1, time: 0, level: null, message: "", ...partial };
}

const E = {
  timeout: entry({
    id: 101,
    level: "error",
    message: "\u001b[31mupstream timeout\u001b[0m after 30s",
    pattern: "p3",
    fields: { status: 503, route: "/api/orders/42", user: { plan: "Pro", name: "Ann Lee" }, ms: 300 },
  }),
  reset: entry({
    id: 102,
    level: "warn",
    message: "Connection Reset by peer",
    pattern: "p1a",
    fields: { status: "503", route: "/healthz", trace_id: "abc", ms: "300" },
  }),
  health: entry({
    id: 50,
    level: "info",
    message: "GET /metrics 200",
    fields: { status: 200, route: "/healthz", ms: 2, ok: true, tags: ["blue", "canary"] },
  }),
  nested: entry({
    id: 7,
    level: null,
    message: "plain",
    fields: { a: { b: { c: [1, { d: "Deep TimeOut" }] } }, "http.route": "/v1/x", count: 0, nothing: null },
  }),
  fatal: entry({ id: 200, level: "fatal", message: "timed out waiting", fields: { ms: 5, user: { plan: "free" } } }),
};
type Name = keyof typeof E;
const ALL = Object.keys(E) as Name[];

/** query, stream given to match, the entries that match. */
const table: Array<[string, Name[], string?]> = [
  ["", ALL],
  ["   \t ", ALL],
  ["timeout", ["timeout", "nested"]],
  ["TIMEOUT", ["timeout", "nested"]],
  ["31m", []], // the ANSI codes are not text
  ["upstream timeout", ["timeout"]],
  ['"upstream timeout"', ["timeout"]],
  ['"connection reset"', ["reset"]],
  ['"say \\"hi\\""', []],
  ["canary", ["health"]], // array values
  ["true", ["health"]], // booleans as text
  ["300", ["timeout", "reset"]], // numbers as text
  ["/time(d)? ?out/i", ["timeout", "fatal"]],
  ["/time(d)? ?out/", ["timeout", "fatal"]],
  ["/^GET \\/metrics/", ["health"]],
  ["/^upstream/", ["timeout"]], // the ANSI prefix is stripped before matching
  ["/TIMED/", []],
  ["/TIMED/i", ["fatal"]],
  ["status:503", ["timeout", "reset"]],
  ["status:503.0", ["timeout"]], // numbers compare as numbers, strings as strings
  ["status:>=500", ["timeout"]], // "503" is a string: no numeric comparison
  ["ms:>250", ["timeout"]],
  ["ms:<=5", ["health", "fatal"]],
  ["ms:<5", ["health"]],
  ["ms:>-1e3", ["timeout", "health", "fatal"]],
  ["user.plan:pro", ["timeout"]],
  ["user.plan:PRO", ["timeout"]],
  ["user.name:ann", []],
  ['user.name:"ann lee"', ["timeout"]],
  ['user.name:"Ann*"', ["timeout"]],
  ['user.name:"Ann\\*"', []],
  ["user.name:*lee", ["timeout"]],
  ["user:*", ["timeout", "fatal"]],
  ["route:/api/orders/*", ["timeout"]],
  ["route:/api/*/42", ["timeout"]],
  ["route:/api/*/4", []],
  ["route:*z", ["reset", "health"]],
  ["route:/healthz", ["reset", "health"]],
  ["-route:/healthz", ["timeout", "nested", "fatal"]],
  ["trace_id:*", ["reset"]],
  ["-trace_id:*", ["timeout", "health", "nested", "fatal"]],
  ["nothing:*", ["nested"]], // null is present
  ["nothing:null", ["nested"]],
  ["count:0", ["nested"]],
  ["ok:true", ["health"]],
  ["tags:canary", ["health"]],
  ["tags:can*", ["health"]],
  ["a.b.c.d:*timeout", ["nested"]], // arrays along the path are searched
  ["a.b.c:1", ["nested"]],
  ["http.route:/v1/x", ["nested"]], // a key with a dot in it
  ["fields.status:503", []], // "fields." is not special
  ["level:error", ["timeout"]],
  ["level:ERROR", ["timeout"]],
  ["level:>=warn", ["timeout", "reset", "fatal"]],
  ["level:warning", ["reset"]],
  ["level:>=warning", ["timeout", "reset", "fatal"]],
  ["level:<warn", ["health"]], // entries without a level never match a level term
  ["level:<=info", ["health"]],
  ["level:>error", ["fatal"]],
  ["level:40", ["reset"]], // pino numbers
  ["level:*", ["timeout", "reset", "health", "fatal"]],
  ["-level:*", ["nested"]],
  ["level:w*", ["reset"]],
  ["-level:error", ["reset", "health", "nested", "fatal"]],
  ["id:>100", ["timeout", "reset", "fatal"]],
  ["id:7", ["nested"]],
  ["stream:api", ALL, "api"],
  ["stream:API", ALL, "api"],
  ["stream:api", [], "web"],
  ["stream:api", []],
  ["stream:ap*", ALL, "api"],
  ["pattern:p3", ["timeout"]],
  ["pattern:P1A", ["reset"]],
  ["-pattern:p3", ["reset", "health", "nested", "fatal"]],
  ["pattern:*", ["timeout", "reset"]],
  ["pattern:p1a level:warn", ["reset"]],
  ["p3", []], // the pattern id is a field, not text of the line
  ["message:plain", ["nested"]],
  ["message:*30s", ["timeout"]],
  ["message:upstream*", ["timeout"]],
  ["message:upstream", []],
  ['-"GET /metrics"', ["timeout", "reset", "nested", "fatal"]],
  ["-timeout", ["reset", "health", "fatal"]],
  ["timeout status:503", ["timeout"]],
  ["timeout AND status:503", ["timeout"]],
  ["timeout OR reset", ["timeout", "reset", "nested"]],
  ["timeout OR reset level:warn", ["timeout", "reset", "nested"]],
  ["reset OR timeout level:error", ["timeout", "reset"]], // AND binds tighter than OR
  ["(reset OR timeout) level:error", ["timeout"]],
  ["(timeout OR reset) -route:/healthz", ["timeout", "nested"]],
  ["-(timeout OR reset)", ["health", "fatal"]],
  ["((timeout))", ["timeout", "nested"]],
  ['level:>=warn -route:/healthz (timeout OR "connection reset") user.plan:pro', ["timeout"]],
  ["or", ["timeout"]], // lower-case "or" is a word: /api/orders/42
  ['"OR"', ["timeout"]],
  ["12:30", []], // a word: paths do not start with a digit
];

describe("match", () => {
  it.each(table)("%s", (text, expected, stream) => {
    const query = compile(text);
    const matched = ALL.filter((name) => query.match(E[name], stream));
    expect(matched).toEqual(expected);
  });

  it("is empty only for an empty query", () => {
    expect(compile(" ").isEmpty).toBe(true);
    expect(compile(" ").text).toBe("");
    expect(compile("a").isEmpty).toBe(false);
  });

  it("never throws on odd entries", () => {
    const query = compile('timeout a.b:1 x:>2 level:>=warn /x/ "y z" stream:s -q:* message:m*');
    const hostile = {
      get x() {
        throw new Error("getter");
      },
    };
    let deep: unknown = "timeout";
    for (let i = 0; i < 10_000; i++) deep = { deep };
    const odd = [
      { id: 1, time: 0, level: null, message: "" },
      { id: 1, time: 0, level: 42, message: 7, fields: "text" },
      { id: "x", time: 0, level: "nonsense", message: null, fields: [1, [2, [3]]] },
      { id: 1, time: 0, level: "warn", message: "m", fields: hostile },
      { id: 1, time: 0, level: "warn", message: "m", fields: { a: hostile } },
      { id: 1, time: 0, level: "warn", message: "m", fields: { a: { b: 10n }, x: Number.NaN } },
      { id: 1, time: 0, level: "warn", message: "x".repeat(1_000_000), fields: { deep } },
      { id: 1, time: 0, level: "warn", message: "m", fields: Object.create(null) },
    ] as unknown as LogEntry[];
    for (const e of odd) expect(typeof query.match(e)).toBe("boolean");
    expect(compile("timeout").match(odd[6] as LogEntry)).toBe(false); // deeper than the search goes
  });

  it("shares normalised text between queries that mean the same", () => {
    const same = [
      "Timeout   status:503",
      "(timeout) AND status:503",
      "timeout status:503",
      '"TIMEOUT" (status:503)',
      "timeout\tstatus:503",
    ];
    expect(new Set(same.map((q) => compile(q).text))).toEqual(new Set(["timeout status:503"]));
    expect(compile("level:warning").text).toBe("level:warn");
    expect(compile("(a OR b) c").text).toBe("(a OR b) c");
    expect(compile("a b OR c").text).toBe("a b OR c");
    expect(compile("-(a b)").text).toBe("-(a b)");
    expect(compile("((a OR b) OR c)").text).toBe("a OR b OR c");
    expect(compile('user.name:"Ann*"').text).toBe("user.name:ann*");
    expect(compile("/x\\/y/si").text).toBe("/x\\/y/is");
    expect(compile("ms:>=5e2").text).toBe("ms:>=500");
    for (const text of table.map(([q]) => q)) {
      const query = compile(text);
      expect(compile(query.text).text).toBe(query.text);
    }
  });
});

describe("errors", () => {
  const cases: Array<[string, number, string]> = [
    ["status:", 7, 'expected a value after "status:"'],
    ["status: 503", 7, 'expected a value after "status:"'],
    ["(a OR b", 7, 'expected ")" to close the "(" at 0'],
    ["x (a (b) c", 10, 'expected ")" to close the "(" at 2'],
    ["a)", 1, 'unexpected ")"'],
    ["()", 1, 'expected a term after "("'],
    ['say "hello', 10, "expected '\"' to close the quote at 4"],
    ['""', 0, "expected text between the quotes"],
    ["-", 1, 'expected a term right after "-"'],
    ["a - b", 3, 'expected a term right after "-"'],
    ["OR a", 0, 'expected a term before "OR"'],
    ["a OR", 4, 'expected a term after "OR"'],
    ["a OR OR b", 5, 'expected a term before "OR"'],
    ["(OR)", 1, 'expected a term before "OR"'],
    ["a AND", 5, 'expected a term after "AND"'],
    ["/unterminated", 13, 'expected "/" to close the regular expression at 0'],
    ["x /(a/", 3, "invalid regular expression: error parsing regexp: missing closing ): `(a`"],
    ["/a**/", 1, "invalid nested repetition operator"],
    ["//", 1, "expected a regular expression between the slashes"],
    ["/a/gi", 3, 'unknown regular expression flag "g": expected i, m or s'],
    ["ms:>", 4, 'expected a number after "ms:>"'],
    ["ms:>=abc", 5, 'expected a number after "ms:>="'],
    ["level:loud", 6, 'unknown level "loud": expected one of trace, debug, info, warn, error, fatal'],
    ["level:>=loud", 8, 'expected a level after "level:>="'],
  ];
  it.each(cases)("%s", (text, position, message) => {
    const result = parseQuery(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.position).toBe(position);
    expect(result.error.message).toContain(message);
  });

  it("limits length and nesting", () => {
    const long = parseQuery("a".repeat(MAX_QUERY_LENGTH + 1));
    expect(long.ok ? null : long.error.message).toMatch(/too long: 2001 characters, at most 2000/);
    expect(parseQuery("a".repeat(MAX_QUERY_LENGTH)).ok).toBe(true);
    const nested = (n: number) => `${"(".repeat(n)}a${")".repeat(n)}`;
    expect(parseQuery(nested(MAX_QUERY_DEPTH)).ok).toBe(true);
    const deep = parseQuery(nested(MAX_QUERY_DEPTH + 1));
    expect(deep.ok ? null : deep.error).toEqual({
      position: MAX_QUERY_DEPTH,
      message: `parentheses are nested too deeply: more than ${MAX_QUERY_DEPTH} levels`,
    });
  });

  it("formats one line", () => {
    const result = parseQuery("status:");
    if (result.ok) throw new Error("parsed");
    expect(formatQueryError("status:", result.error)).toBe(
      'Invalid query at position 7: expected a value after "status:"',
    );
    const multi = parseQuery("a\n/(x\ny/");
    if (multi.ok) throw new Error("parsed");
    expect(formatQueryError("a\n/(x\ny/", multi.error)).not.toMatch(/[\r\n]/);
  });
});

describe("highlights", () => {
  const cases: Array<[string, string, Array<[number, number]>]> = [
    [
      "timeout",
      "a Timeout and TIMEOUT",
      [
        [2, 9],
        [14, 21],
      ],
    ],
    ["out time", "timeout", [[0, 7]]], // overlapping terms merge
    ['"connection reset"', "Connection reset by peer", [[0, 16]]],
    [
      "/time(d)? ?out/i",
      "it TIMED OUT, then timeout",
      [
        [3, 12],
        [19, 26],
      ],
    ],
    ["-timeout x", "timeout x", [[8, 9]]], // negated terms are not marked
    ["status:503 level:error", "status 503", []], // field terms are not marked
    [
      "(a OR -(b -c))",
      "abc",
      [
        [0, 1],
        [2, 3],
      ],
    ],
    ["/x*/", "abc", []], // empty matches are not ranges
    [
      "😀 b",
      "😀 b",
      [
        [0, 2],
        [3, 4],
      ],
    ],
    [
      "i",
      "İx i",
      [
        [0, 1],
        [3, 4],
      ],
    ], // lower-casing that changes length keeps positions in the original
    ["", "anything", []],
  ];
  it.each(cases)("%s in %s", (query, text, expected) => {
    expect(compile(query).highlights(text)).toEqual(expected);
  });
});

describe("fieldTerm", () => {
  it("writes terms", () => {
    expect(fieldTerm("user", "ann lee")).toBe('user:"ann lee"');
    expect(fieldTerm("status", 503, true)).toBe("-status:503");
    expect(fieldTerm("user.plan", "pro")).toBe("user.plan:pro");
    expect(fieldTerm("route", "/api/*")).toBe('route:"/api/\\*"');
    expect(fieldTerm("q", ">5")).toBe('q:">5"');
    expect(fieldTerm("q", "")).toBe('q:""');
    expect(fieldTerm("q", null)).toBe("q:null");
    expect(fieldTerm("q", true)).toBe("q:true");
    expect(fieldTerm("q", undefined)).toBe("-q:*");
    expect(fieldTerm("q", { a: 1 })).toBe("q:*");
    expect(fieldTerm("2fa", "on")).toBe("\\2fa:on");
    expect(fieldTerm(["a.b", "c d"], "x")).toBe("a\\.b.c\\ d:x");
  });

  const values: Array<[string, unknown]> = [
    ["user", "ann lee"],
    ["status", 503],
    ["status", "503"],
    ["ratio", -0.25],
    ["route", "/api/*/x"],
    ["q", 'say "hi" \\ (now)'],
    ["q", ">=5"],
    ["q", "-x"],
    ["q", "OR"],
    ["q", ""],
    ["q", "a:b"],
    ["q", false],
    ["q", null],
    ["level", "warn"],
    ["message", "upstream timeout"],
    ["id", 7],
    ["2fa", "on"],
    ["-x", "y"],
    ["/x", "y"],
    ["a b", "c"],
  ];
  it.each(values)("%s = %j round-trips", (path, value) => {
    const e = entry({
      id: path === "id" ? (value as number) : 1,
      level: path === "level" ? "warn" : null,
      message: path === "message" ? String(value) : "m",
      fields: { [path]: value },
    });
    const positive = compile(fieldTerm(path, value));
    const negative = compile(fieldTerm(path, value, true));
    expect(positive.match(e)).toBe(true);
    expect(negative.match(e)).toBe(false);
    expect(positive.match(entry({ fields: { [path]: "something else" } }))).toBe(false);
  });
});
