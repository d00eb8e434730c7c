// The miner on general log shapes of systems it was not tuned on (written from common formats, not from any
// labelled sample): values are masked whatever system wrote them, and a word position that keeps varying
// becomes a variable once it has had three distinct words (two may be a pair of constants).
import { describe, expect, it } from "vitest";
import { matchesTemplate, PatternMiner } from "../../lib/patterns/miner.js";
import { tokenize } from "../../lib/patterns/tokens.js";

/** Ids of the messages, in order, from one miner. */
function ids(messages: string[], miner = new PatternMiner()): string[] {
  return messages.map((message, i) => miner.assign(message, i));
}

describe("tokenize: values without a system's rules", () => {
  const cases: Array<[string, string, string[]]> = [
    ["a URL holding digits", "fetch http://10.0.0.2:8080/v1/x?id=7 done", ["fetch", "<*>", "done"]],
    ["an absolute path", "open /usr/lib/cron failed", ["open", "<*>", "failed"]],
    ["a quoted home path", "read '~/conf/app' ok", ["read", "'<*>'", "ok"]],
    ["a Windows path", "load C:\\Windows\\System\\cbs.dll", ["load", "<*>"]],
    ["a slash in a word is not a path", "read/write error on and/or", ["read/write", "error", "on", "and/or"]],
    ["a root alone is a word", "mounted / read-only", ["mounted", "/", "read-only"]],
    ["a list of like values is one", "delete blk_1 blk_-2 blk_3 now", ["delete", "blk_<*>", "now"]],
    ["unlike values stay apart", "moved blk_1 10.0.0.1 port 7", ["moved", "blk_<*>", "<*>", "port", "<*>"]],
  ];
  for (const [name, message, tokens] of cases) {
    it(name, () => expect(tokenize(message)).toEqual(tokens));
  }
});

describe("PatternMiner on common shapes", () => {
  // Each case: two lines of one event (same id), then a line of another event (another id).
  const cases: Array<[string, string, string, string]> = [
    [
      "Java task and container ids",
      "Assigned container container_e02_1445144423722_0020_01_000002 to attempt_1445144423722_0020_m_000000_0",
      "Assigned container container_e02_1445144423722_0031_01_000017 to attempt_1445144423722_0031_r_000004_1",
      "Released container container_e02_1445144423722_0020_01_000002 of capacity <memory:1024, vCores:1>",
    ],
    [
      "HTTP access lines with request ids, status, length and time",
      '[req-6f2d1c3a-1b2c-4d5e-8f90-a1b2c3d4e5f6 9b1f] 10.0.0.7 "GET /v2/9b1f/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.2477829',
      '[req-0a1b2c3d-4e5f-4a6b-8c7d-e8f9a0b1c2d3 77ce] 10.0.0.9 "GET /v2/77ce/servers/detail HTTP/1.1" status: 404 len: 77 time: 0.0131',
      "[req-0a1b2c3d-4e5f-4a6b-8c7d-e8f9a0b1c2d3 77ce] Creating event network-vif-plugged:6f2d1c3a for instance 77ce",
    ],
    [
      "lists of values of any length",
      "ask 10.0.0.1:50010 to delete blk_1 blk_2 blk_3 blk_4",
      "ask 10.0.0.2:50010 to delete blk_7",
      "ask 10.0.0.2:50010 to replicate blk_7",
    ],
    [
      "register dumps",
      "machine check: r00=0x00000000 r01=0x1fffa3c0 r02=0x0017e2a8 lr=0x00102c54",
      "machine check: r00=0xdeadbeef r01=0x00000010 r02=0x00000000 lr=0x00000004",
      "instruction cache parity error corrected",
    ],
    [
      "Windows servicing lines with versions and paths",
      "Loaded Servicing Stack v6.1.7601.23505 with Core: C:\\Windows\\winsxs\\amd64_31bf3856\\cbscore.dll",
      "Loaded Servicing Stack v6.1.7601.17592 with Core: C:\\Windows\\winsxs\\x86_31bf3856\\cbscore.dll",
      "Ending TrustedInstaller initialization.",
    ],
    [
      "process[pid] and free text",
      "backupd[412]: Starting automatic backup of /Users/ann/Documents",
      "backupd[9077]: Starting automatic backup of /Users/bob/Pictures",
      "backupd[412]: Backup completed successfully.",
    ],
    [
      "logcat key=value numbers",
      "setSystemUiVisibility vis=0x0 mask=0x1 oldVal=0x40000 newVal=0x0 diff=0x40000",
      "setSystemUiVisibility vis=0x8 mask=0xffffffff oldVal=0x0 newVal=0x8 diff=0x8",
      "Skipped 67 frames!  The application may be doing too much work on its main thread.",
    ],
  ];
  for (const [name, one, same, other] of cases) {
    it(name, () => {
      const miner = new PatternMiner();
      const [a, b, c] = ids([one, same, other], miner);
      expect(b).toBe(a);
      expect(c).not.toBe(a);
      for (const [message, id] of [
        [one, a],
        [same, b],
        [other, c],
      ]) {
        expect(matchesTemplate(miner.get(id ?? "")?.template ?? "", message ?? "")).toBe(true);
      }
    });
  }
});

describe("PatternMiner: a word position that keeps varying", () => {
  it("keeps two words apart, and widens the oldest pattern at the third", () => {
    const miner = new PatternMiner();
    const [alice, bob, carol, dave] = ids(
      [
        "Invalid user alice from 10.0.0.1",
        "Invalid user bob from 10.0.0.2",
        "Invalid user carol from 10.0.0.3",
        "Invalid user dave from 10.0.0.4",
      ],
      miner,
    );
    expect(bob).not.toBe(alice);
    expect(carol).toBe(alice);
    expect(dave).toBe(alice);
    expect(miner.get(alice ?? "")?.template).toBe("Invalid user <*> from <*>");
    // The ids given stay; a second line of the second word now goes to the older, wider pattern.
    expect(miner.get(bob ?? "")?.template).toBe("Invalid user bob from <*>");
    expect(miner.assign("Invalid user bob from 10.0.0.9", 9)).toBe(alice);
  });

  it("keeps a pair of constants apart however often they alternate", () => {
    const lines = Array.from(
      { length: 20 },
      (_, i) => `proxy.example.net:${i} open through proxy 10.0.0.1:80 ${i % 2 ? "HTTPS" : "HTTP"}`,
    );
    const [first, second, ...rest] = ids(lines);
    expect(second).not.toBe(first);
    for (const [i, id] of rest.entries()) expect(id).toBe(i % 2 ? second : first);
  });

  it("needs two other constant words: a lone word beside variables stays a constant", () => {
    const [a, b, c] = ids(["job 1 started", "job 2 stopped", "job 3 failed"]);
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it("gives the same answers after a restore from the rows", () => {
    const users = ["alice", "bob", "carol", "dave", "erin"].map((u, i) => `session opened for user ${u} by uid=${i}`);
    const live = new PatternMiner();
    ids(users.slice(0, 3), live);
    const restored = new PatternMiner({ rows: live.rows() });
    expect(ids(users.slice(3), restored)).toEqual(ids(users.slice(3), live));
  });
});

describe("PatternMiner: evidence that a word is a value", () => {
  it("takes a value where a pattern holds a word as that word's variable, beside two equal words", () => {
    const miner = new PatternMiner();
    const [a, b, c] = ids(
      ["Invalid user webmaster from 10.0.0.1", "Invalid user test9 from 10.0.0.2", "Invalid user admin from 10.0.0.3"],
      miner,
    );
    expect([b, c]).toEqual([a, a]);
    expect(miner.get(a ?? "")?.template).toBe("Invalid user <*> from <*>");
    // With one equal word only, a value does not make the word beside it a variable.
    const [d, e] = ids(["Started nginx", "Started 42"]);
    expect(e).not.toBe(d);
  });

  it("lets a plain word fit a pattern token's <*> part without widening it", () => {
    const miner = new PatternMiner();
    const [a, b] = ids(["Started udisks2.service.", "Started nginx.service."], miner);
    expect(b).toBe(a);
    expect(miner.get(a ?? "")?.template).toBe("Started <*>.");
  });

  it("gives a line fitting two patterns equally to the wider one, so a pattern left behind stops growing", () => {
    const miner = new PatternMiner();
    const lines = [
      "task alpha done on node one",
      "task beta done on node two",
      "task beta done on node three",
      "task gamma done on node four",
    ];
    const [alpha, beta] = ids(lines, miner);
    expect(miner.get(beta ?? "")?.template).toBe("task <*> done on node <*>");
    expect(miner.assign("task alpha done on node one", 9)).toBe(beta);
    expect(miner.get(alpha ?? "")?.count).toBe(1);
  });

  it("reads a cut list as the list: the last value covers what was not read", () => {
    const list = Array.from({ length: 300 }, (_, i) => `blk_${i * 7919}`).join(" ");
    expect(tokenize(`delete ${list}`)).toEqual(["delete", "blk_<*>"]);
  });
});
