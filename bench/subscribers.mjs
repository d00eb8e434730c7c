// A worker thread holding many SSE subscribers, each read by a spec-compliant parser (eventsource-parser).
// It checks every subscriber's ids (missing, duplicated, out of order) and records delivery latency.
import { setMaxListeners } from "node:events";
import { parentPort, workerData } from "node:worker_threads";
import { SseClient } from "../lib/sse-client.js";
import { Histogram } from "./stats.mjs";

const { urls } = /** @type {{ urls: string[] }} */ (workerData);
const count = urls.length;
const histogram = new Histogram();
/** @type {Array<{ lastId: number, received: number, missing: number, duplicated: number, outOfOrder: number }>} */
const subscribers = [];
const controller = new AbortController();
// Every subscriber listens on the one signal that ends them all.
setMaxListeners(0, controller.signal);
let errors = 0;
let connected = 0;

/** @param {string} message */
function fail(message) {
  errors++;
  if (errors === 1) parentPort?.postMessage({ type: "error", message });
}

/** @param {string} url */
function subscribe(url) {
  const state = { lastId: 0, received: 0, missing: 0, duplicated: 0, outOfOrder: 0 };
  subscribers.push(state);
  let opened = false;
  const client = new SseClient(url, {
    signal: controller.signal,
    onState: (change) => {
      if (change.state === "open" && !opened) {
        opened = true;
        connected++;
        if (connected === count) parentPort?.postMessage({ type: "connected" });
      }
      // A measured subscriber is never dropped: any reconnection is a failure of the run.
      if (change.state === "waiting") fail(change.reason);
    },
    onLogData: (data, eventId) => {
      const now = performance.timeOrigin + performance.now();
      const id = Number(eventId);
      if (state.lastId === 0 || id === state.lastId + 1) state.received++;
      else if (id <= state.lastId) id === state.lastId ? state.duplicated++ : state.outOfOrder++;
      else {
        state.missing += id - state.lastId - 1;
        state.received++;
      }
      state.lastId = Math.max(state.lastId, id);
      // The message is "<sequence>:<epoch ms when the POST started>"; read it without a full JSON.parse,
      // so that the client, not the server, is never what a thousand subscribers measure.
      const start = data.indexOf('"message":"') + 11;
      const colon = data.indexOf(":", start);
      const stamp = Number(data.slice(colon + 1, data.indexOf('"', colon)));
      // Warm-up lines carry no stamp: they count for correctness, not for latency.
      if (!Number.isNaN(stamp)) histogram.record(now - stamp);
    },
  });
  client.run().catch((error) => fail(String(error)));
}

for (const url of urls) subscribe(url);

parentPort?.on("message", async (message) => {
  if (message.type !== "stop") return;
  // Let every subscriber catch up with the last id the producer was given, for at most 15 s.
  const deadline = Date.now() + 15_000;
  while (subscribers.some((s) => s.lastId < message.lastId) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const lastIds = subscribers.map((s) => s.lastId);
  parentPort?.postMessage({
    type: "report",
    histogram: histogram.toJSON(),
    errors,
    received: subscribers.reduce((sum, s) => sum + s.received, 0),
    missing: subscribers.reduce((sum, s) => sum + s.missing, 0),
    duplicated: subscribers.reduce((sum, s) => sum + s.duplicated, 0),
    outOfOrder: subscribers.reduce((sum, s) => sum + s.outOfOrder, 0),
    lastIds,
  });
  controller.abort();
  setTimeout(() => process.exit(0), 100);
});
