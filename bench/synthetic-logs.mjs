// Labelled log families written here from common formats (web access lines, systemd and Kubernetes lines,
// JSON-ish and plain application messages), for bench/patterns-loo.mjs: a check, beside Loghub, that the
// miner's rules are not fitted to Loghub. Each line carries the event a log engineer would give it; word-valued
// variables (user, unit, pod and host names) are drawn from open sets, as they are in real streams.

/** @typedef {import("./loghub.mjs").LabelledLine} LabelledLine */

/** A seeded xorshift, so every run draws the same lines. @param {number} seed */
function randomSource(seed) {
  let s = seed;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  /** @param {number} n */
  const int = (n) => Math.floor(next() * n);
  /** @template T @param {T[]} list @returns {T} */
  const pick = (list) => /** @type {T} */ (list[int(list.length)]);
  const hex = (/** @type {number} */ n) => Array.from({ length: n }, () => "0123456789abcdef"[int(16)]).join("");
  const ip = () => `${10 + int(200)}.${int(256)}.${int(256)}.${1 + int(254)}`;
  return { next, int, pick, hex, ip };
}

const USERS = "alice bob carol dave erin frank grace heidi ivan judy mallory oscar peggy trent victor walter".split(
  " ",
);
const UNITS = "nginx cron sshd docker containerd postgresql redis rsyslog chronyd polkit snapd udisks2".split(" ");
const APPS = "web api worker billing search frontend gateway auth".split(" ");
const NAMESPACES = "default prod staging kube-system monitoring".split(" ");
const HOSTS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet".split(" ");
const PATHS = "/ /login /api/orders /api/users/me /static/app.js /health /metrics /favicon.ico".split(" ");
const REASONS = "timeout refused reset unreachable".split(" ");

/**
 * Each family: event names with a line maker, drawn at random (some events rarer than others).
 * @type {Record<string, Array<[string, number, (r: ReturnType<typeof randomSource>) => string]>>}
 */
const FAMILIES = {
  "web access": [
    [
      "access",
      10,
      (r) =>
        `${r.ip()} - ${r.pick(["-", ...USERS])} [06/Dec/2026:10:${r.int(60)}:${r.int(60)} +0000] "${r.pick(["GET", "POST", "PUT", "DELETE"])} ${r.pick(PATHS)}${r.next() < 0.3 ? `?page=${r.int(9)}` : ""} HTTP/1.1" ${r.pick([200, 200, 201, 304, 404, 500])} ${r.int(90000)} "-" "${r.pick(["curl/8.4.0", "Mozilla/5.0", "Go-http-client/1.1"])}"`,
    ],
    [
      "upstream timeout",
      2,
      (r) =>
        `upstream timed out (110: Connection timed out) while reading response header from upstream, client: ${r.ip()}, server: ${r.pick(HOSTS)}.example.com, request: "GET ${r.pick(PATHS)} HTTP/1.1"`,
    ],
    [
      "file missing",
      2,
      (r) => `open() "/var/www/html${r.pick(PATHS)}" failed (2: No such file or directory), client: ${r.ip()}`,
    ],
    [
      "limit",
      1,
      (r) =>
        `limiting requests, excess: ${r.int(20)}.${r.int(999)} by zone "${r.pick(["api", "login"])}", client: ${r.ip()}`,
    ],
  ],
  "systemd and kubernetes": [
    ["session started", 6, (r) => `Started Session ${r.int(9000)} of User ${r.pick(USERS)}.`],
    ["unit started", 4, (r) => `Started ${r.pick(UNITS)}.service.`],
    ["unit stopping", 2, (r) => `Stopping ${r.pick(UNITS)}.service...`],
    [
      "unit failed",
      1,
      (r) => `${r.pick(UNITS)}.service: Main process exited, code=exited, status=${r.int(3) + 1}/FAILURE`,
    ],
    [
      "pam opened",
      5,
      (r) => `pam_unix(sshd:session): session opened for user ${r.pick(USERS)}(uid=${1000 + r.int(50)}) by (uid=0)`,
    ],
    ["pam closed", 5, (r) => `pam_unix(sshd:session): session closed for user ${r.pick(USERS)}`],
    ["probe failed", 3, (r) => `Liveness probe failed: HTTP probe failed with statuscode: ${r.pick([500, 503, 502])}`],
    [
      "back-off",
      3,
      (r) =>
        `Back-off restarting failed container ${r.pick(APPS)} in pod ${r.pick(APPS)}-${r.hex(10)}-${r.hex(5)}_${r.pick(NAMESPACES)}(${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)})`,
    ],
    ["pulling", 3, (r) => `Pulling image "registry.example.com/${r.pick(APPS)}:v1.${r.int(30)}.${r.int(9)}"`],
    [
      "sync add",
      3,
      (r) => `"SyncLoop ADD" source="api" pods=["${r.pick(NAMESPACES)}/${r.pick(APPS)}-${r.hex(10)}-${r.hex(5)}"]`,
    ],
    ["node status", 2, (r) => `Node ${r.pick(HOSTS)} status is now: ${r.pick(["NodeReady", "NodeNotReady"])}`],
  ],
  "application messages": [
    [
      "login json",
      5,
      (r) => `{"level":"info","msg":"user logged in","user":"${r.pick(USERS)}","duration":"${r.int(900)}ms"}`,
    ],
    [
      "logout json",
      3,
      (r) => `{"level":"info","msg":"user logged out","user":"${r.pick(USERS)}","duration":"${r.int(90)}s"}`,
    ],
    [
      "query slow",
      2,
      (r) =>
        `{"level":"warn","msg":"slow query","table":"${r.pick(["orders", "users", "items"])}","took_ms":${r.int(9000)}}`,
    ],
    ["login plain", 5, (r) => `User ${r.pick(USERS)} logged in from ${r.ip()} in ${r.int(400)} ms`],
    ["login failed", 3, (r) => `Login failed for user '${r.pick(USERS)}': invalid password`],
    [
      "request done",
      6,
      (r) =>
        `Request ${r.pick(["GET", "POST"])} ${r.pick(PATHS)} completed in ${r.int(90)}.${r.int(9)}ms with status ${r.pick([200, 201, 404])}`,
    ],
    ["cache miss", 3, (r) => `Cache miss for key user:${r.pick(USERS)}:profile`],
    ["payment failed", 2, (r) => `Payment of ${r.int(500)}.${r.int(99)} USD by ${r.pick(USERS)} failed: card declined`],
    [
      "db lost",
      1,
      (r) =>
        `Connection to ${r.pick(["db-primary", "db-replica", "cache"])} lost (${r.pick(REASONS)}), retrying in ${r.int(30)}s`,
    ],
    [
      "job done",
      3,
      (r) =>
        `job=${r.pick(["reindex", "cleanup", "export", "digest"])} status=done duration=${r.int(60)}.${r.int(9)}s rows=${r.int(1e5)}`,
    ],
    ["worker started", 1, (r) => `Worker ${r.pick(HOSTS)}-${r.int(8)} started with ${r.int(16)} threads`],
  ],
};

/**
 * The families, each `lines` lines long, drawn with a fixed seed.
 * @param {number} [lines]
 * @returns {Map<string, LabelledLine[]>}
 */
export function syntheticCorpora(lines = 2000) {
  /** @type {Map<string, LabelledLine[]>} */
  const families = new Map();
  let seed = 2463534242;
  for (const [name, events] of Object.entries(FAMILIES)) {
    const r = randomSource(seed++);
    const total = events.reduce((sum, [, weight]) => sum + weight, 0);
    families.set(
      name,
      Array.from({ length: lines }, () => {
        let draw = r.next() * total;
        let k = 0;
        while (k < events.length - 1 && draw >= (events[k]?.[1] ?? 0)) draw -= events[k++]?.[1] ?? 0;
        const [event, , make] = events[k] ?? ["", 0, () => ""];
        return { message: make(r), event };
      }),
    );
  }
  return families;
}
