// The peer: the live-tail server a team would write by hand with Node.js and better-sse, kept in memory.
// It speaks the same HTTP contract as edge-tail for what the benchmark uses.
import { createServer } from "node:http";
import { createChannel, createSession } from "better-sse";
import { isStreamName } from "../../lib/names.js";

const RING_SIZE = 10_000;
const port = Number(process.argv[2] ?? 8788);
/** @type {Map<string, { channel: ReturnType<typeof createChannel>, entries: object[], lastId: number }>} */
const streams = new Map();

/** @param {string} name */
function streamOf(name) {
  let stream = streams.get(name);
  if (!stream) {
    stream = { channel: createChannel(), entries: [], lastId: 0 };
    streams.set(name, stream);
  }
  return stream;
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://peer");
  const match = /^\/api\/streams\/([^/]+)\/(logs|events)$/.exec(url.pathname);
  if (url.pathname === "/api/health") {
    res.writeHead(200, { "Content-Type": "application/json" }).end('{"ok":true}');
    return;
  }
  const name = match?.[1];
  if (!match || name === undefined || !isStreamName(name)) {
    res.writeHead(404).end();
    return;
  }
  const stream = streamOf(name);
  if (match[2] === "logs" && req.method === "POST") {
    let body = "";
    for await (const chunk of req) body += chunk;
    const now = Date.now();
    const firstId = stream.lastId + 1;
    for (const line of body.split("\n")) {
      if (line === "") continue;
      const { msg, level, ...fields } = JSON.parse(line);
      const entry = { id: ++stream.lastId, time: now, level: level ?? null, message: msg ?? "", fields };
      stream.entries.push(entry);
      stream.channel.broadcast(entry, "log", { eventId: String(entry.id) });
    }
    if (stream.entries.length > RING_SIZE) stream.entries.splice(0, stream.entries.length - RING_SIZE);
    res.writeHead(202, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ accepted: stream.lastId - firstId + 1, firstId, lastId: stream.lastId }));
    return;
  }
  const session = await createSession(req, res, { keepAlive: 15_000 });
  const tail = Number(url.searchParams.get("tail") ?? 100);
  for (const entry of stream.entries.slice(stream.entries.length - tail)) {
    session.push(entry, "log", String(/** @type {{ id: number }} */ (entry).id));
  }
  stream.channel.register(session);
});

server.listen(port, "127.0.0.1", () =>
  process.send?.({ ready: /** @type {import("node:net").AddressInfo} */ (server.address()).port }),
);
