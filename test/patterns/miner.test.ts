// The pattern miner's rules, case by case: what is a variable, when a pattern widens, what survives a restart,
// and what happens past the cap or with lines built to hurt.
import { describe, expect, it } from "vitest";
import { matchesTemplate, OVERFLOW_ID, PatternMiner } from "../../lib/patterns/miner.js";
import { MAX_TOKENS, tokenize } from "../../lib/patterns/tokens.js";

/** Ids of the messages, in order, from one fresh miner. */
function ids(messages: string[], miner = new PatternMiner()): string[] {
  return messages.map((message, i) => miner.assign(message, i));
}

describe("tokenize", () => {
  const cases: Array<[string, string, string[]]> = [
    ["numbers", "took 15 of 200 tries", ["took", "<*>", "of", "<*>", "tries"]],
    ["an IP and port as one value", "from 10.0.0.1:8080 ok", ["from", "<*>", "ok"]],
    ["a constant prefix kept", "block blk_-42 and blk_42", ["block", "blk_<*>", "and", "blk_<*>"]],
    ["key=value with a number", "uid=0 euid=1000", ["uid=<*>", "euid=<*>"]],
    ["hex and UUIDs", "id 0x7f3a in 123e4567-e89b-12d3-a456-426614174000", ["id", "<*>", "in", "<*>"]],
    ["a host with a digit", "(host-12.example.net) up", ["(<*>)", "up"]],
    ["a value's unit", "done in 5 ms, 3 KB", ["done", "in", "<*>,", "<*>"]],
    ["a bracketed restatement", "sent 1024 (1.0 KB) ok", ["sent", "<*>", "ok"]],
    ["a date, one value", "at Fri Jun 17 07:07:00 2005 by cron", ["at", "<*>", "by", "cron"]],
    ["URLs and e-mail", "GET https://example.com/a by bob@example.org", ["GET", "<*>", "by", "<*>"]],
    ["whitespace of any kind", "  a\t\tb \r\n c ", ["a", "b", "c"]],
    ["words stay", "connection refused by peer", ["connection", "refused", "by", "peer"]],
  ];
  for (const [name, message, tokens] of cases) {
    it(name, () => expect(tokenize(message)).toEqual(tokens));
  }

  it("reads a bounded part of a long line, ending with <*> for the rest", () => {
    const many = Array.from({ length: 500 }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}x`).join(" ");
    const tokens = tokenize(many);
    expect(tokens).toHaveLength(MAX_TOKENS);
    expect(tokens.at(-1)).toBe("<*>");
    expect(tokenize("x".repeat(30 * 1024))).toEqual(["<*>"]);
  });
});

describe("PatternMiner", () => {
  it("gives lines differing only in their variables one id", () => {
    const [a, b, c] = ids(["took 15 ms to load", "took 200 ms to load", "connection refused by peer"]);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it("widens a pattern when a constant word varies, keeping its id", () => {
    const miner = new PatternMiner();
    const first = miner.assign("user alice logged in from the web", 1);
    expect(miner.get(first)?.template).toBe("user alice logged in from the web");
    expect(miner.assign("user bob logged in from the web", 2)).toBe(first);
    expect(miner.get(first)?.template).toBe("user <*> logged in from the web");
    expect(miner.assign("user carol logged in from the web", 3)).toBe(first);
  });

  it("keeps short lines that differ in a word apart", () => {
    const [a, b] = ids(["cupsd startup succeeded", "cupsd shutdown succeeded"]);
    expect(a).not.toBe(b);
  });

  it("counts lines, keeps the most severe level, the first example and the time span", () => {
    const miner = new PatternMiner();
    const id = miner.assign("job 1 done", 100, "info");
    miner.assign("job 2 done", 300, "error");
    miner.assign("job 3 done", 200, "warn");
    expect(miner.get(id)).toEqual({
      id,
      template: "job <*> done",
      count: 3,
      level: "error",
      firstSeen: 100,
      lastSeen: 300,
      example: "job 1 done",
    });
  });

  it("hands each changed pattern to the commit once", () => {
    const miner = new PatternMiner();
    const id = miner.assign("job 1 done", 1);
    miner.assign("job 2 done", 2);
    expect(miner.takeChanged().map((row) => [row.id, row.count])).toEqual([[id, 2]]);
    expect(miner.takeChanged()).toEqual([]);
    miner.assign("job 3 done", 3);
    expect(miner.takeChanged().map((row) => row.count)).toEqual([3]);
  });

  it("names each new pattern once, for a newPattern alert", () => {
    const miner = new PatternMiner({ limit: 3 });
    const [a, , b] = ids(["job 1 done", "job 2 done", "disk full on sda"], miner);
    expect(miner.takeCreated()).toEqual([a, b]);
    expect(miner.takeCreated()).toEqual([]);
    miner.assign("a third kind of line", 4);
    miner.assign("and a fourth one here", 5);
    expect(miner.takeCreated()).toEqual([OVERFLOW_ID]);
  });

  it("carries on with the same ids after a restore from its rows", () => {
    const before = new PatternMiner();
    ids(["disk sda1 full", "user alice logged in from the web", "GET /a 200 in 5 ms"], before);
    const after = new PatternMiner({ rows: before.rows() });
    const next = ["user bob logged in from the web", "GET /b 404 in 7 ms", "a new kind of line", "disk sdb2 full"];
    expect(ids(next, after)).toEqual(ids(next, before));
    expect(after.rows()).toEqual(before.rows());
  });

  it("holds the cap: past it, lines that fit no pattern go to the overflow pattern", () => {
    const miner = new PatternMiner({ limit: 5 });
    const kinds = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"];
    const got = kinds.map((word, i) => miner.assign(`${word} happened here`, i));
    expect(miner.size).toBe(5);
    expect(new Set(got.slice(0, 4)).size).toBe(4);
    expect(got.slice(4)).toEqual([OVERFLOW_ID, OVERFLOW_ID, OVERFLOW_ID]);
    expect(miner.get(OVERFLOW_ID)?.template).toBe("<*>");
    // A line that fits a pattern still gets it past the cap.
    expect(miner.assign("alpha happened here", 9)).toBe(got[0]);
  });

  it("gives hostile lines a pattern within the cap, each fitting its template", () => {
    const miner = new PatternMiner({ limit: 50 });
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const noise = (n: number) => String.fromCharCode(...Array.from({ length: n }, () => Math.floor(random() * 256)));
    const lines = [
      "x".repeat(32 * 1024),
      `${"word ".repeat(6000)}end`,
      "a".repeat(30 * 1024),
      ...Array.from({ length: 300 }, () => noise(200)),
      ...Array.from({ length: 300 }, (_, i) => `${i.toString(36)}q${"z".repeat(i % 7)} ${noise(5)} tail`),
    ];
    for (const [i, line] of lines.entries()) {
      const id = miner.assign(line, i);
      const template = miner.get(id)?.template ?? "";
      expect(matchesTemplate(template, line), `${JSON.stringify(template)} fits line ${i}`).toBe(true);
    }
    expect(miner.size).toBeLessThanOrEqual(50);
  });
});

describe("matchesTemplate", () => {
  it("reads <*> as any run of characters and whitespace runs as one space", () => {
    expect(matchesTemplate("took <*> to load", "took  15 ms\tto load")).toBe(true);
    expect(matchesTemplate("blk_<*> done", "blk_-42 done")).toBe(true);
    expect(matchesTemplate("took <*> to load", "took 15 ms to save")).toBe(false);
    expect(matchesTemplate("a <*> b <*> c", "a x b")).toBe(false);
    expect(matchesTemplate("", "  ")).toBe(true);
  });
});
