// One delivery measurement: subscribers on a fresh stream while a producer posts at a steady rate.
import { Worker } from "node:worker_threads";
import { Histogram } from "./stats.mjs";

/** @typedef {import("../lib/types").IngestResult} IngestResult */

/** @param {string} message */
const log = (message) => console.error("·", message);

/**
 * What the subscribers' worker thread reports when told to stop.
 * @typedef {{ type: "report", histogram: import("./stats.mjs").HistogramJson, errors: number, received: number,
 *   missing: number, duplicated: number, outOfOrder: number, lastIds: number[] }} Report
 * @typedef {Report | { type: "connected" } | { type: "error", message: string }} WorkerMessage
 */

/**
 * Subscribers on one stream while a producer posts `linesPerSecond`; checks every id of every subscriber.
 * @param {string} base the server's URL
 * @param {number} subscribers
 * @param {number} seconds
 * @param {number} linesPerSecond
 * @param {(subscriber: number) => string} [queryOf] each subscriber's `?q=`, when they filter
 */
export async function deliver(base, subscribers, seconds, linesPerSecond, queryOf) {
  const stream = `deliver-${subscribers}-${Date.now()}`;
  const url = `${base}/api/streams/${stream}/events?tail=0`;
  const urls = Array.from({ length: subscribers }, (_, i) =>
    queryOf === undefined ? url : `${url}&q=${encodeURIComponent(queryOf(i))}`,
  );
  const worker = new Worker(new URL("./subscribers.mjs", import.meta.url), { workerData: { urls } });
  /** @type {string | null} */
  let firstError = null;
  /** @type {Promise<Report>} */
  const reported = new Promise((resolve) => {
    worker.on("message", (/** @type {WorkerMessage} */ message) => {
      if (message.type === "report") resolve(message);
      if (message.type === "error") firstError = message.message;
    });
  });
  await /** @type {Promise<void>} */ (
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${subscribers} subscribers did not connect in 60 s`)), 60_000);
      worker.on("message", (/** @type {WorkerMessage} */ message) => {
        if (message.type === "connected") {
          clearTimeout(timer);
          resolve();
        }
        if (message.type === "error") {
          clearTimeout(timer);
          reject(new Error(`a subscriber failed: ${message.message}`));
        }
      });
    })
  );
  // A steady rate: every 10 ms, post the lines that are due, stamped with the POST's start time.
  let sent = 0;
  let lastId = 0;
  let postErrors = 0;
  const inFlight = new Set();
  const started = performance.now();
  // The first second warms the new stream's Durable Object up and is not timed.
  const warmup = 1000;
  while (performance.now() - started < seconds * 1000 + warmup) {
    const due = Math.floor(((performance.now() - started) * linesPerSecond) / 1000) - sent;
    if (due > 0) {
      const stamp = performance.now() - started < warmup ? "w" : performance.timeOrigin + performance.now();
      const body = Array.from({ length: due }, (_, i) => JSON.stringify({ msg: `${sent + i}:${stamp}` })).join("\n");
      sent += due;
      const request = fetch(`${base}/api/streams/${stream}/logs`, {
        method: "POST",
        headers: { "content-type": "application/x-ndjson" },
        body,
      })
        .then(async (response) => {
          if (response.status !== 202) postErrors++;
          else lastId = Math.max(lastId, /** @type {IngestResult} */ (await response.json()).lastId ?? 0);
        })
        .catch(() => postErrors++)
        .finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(inFlight);
  worker.postMessage({ type: "stop", lastId });
  const report = await reported;
  const histogram = Histogram.from(report.histogram);
  // Still catching up 15 s after the last POST is slow, not wrong: reported, but only a skipped,
  // doubled or reordered id fails the run.
  const behind = report.lastIds.filter((id) => id < lastId).length;
  const correct = report.missing + report.duplicated + report.outOfOrder === 0;
  if (!correct || behind > 0 || report.errors > 0 || postErrors > 0) {
    log(
      `delivery to ${subscribers}: missing ${report.missing}, duplicated ${report.duplicated}, out of order ${report.outOfOrder}, ` +
        `${behind} subscribers short of id ${lastId} (lowest at ${Math.min(...report.lastIds)}), ${report.errors} subscriber errors (${firstError}), ${postErrors} POST errors`,
    );
  }
  return {
    p50: histogram.percentile(50),
    p99: histogram.percentile(99),
    max: histogram.max,
    events: report.received,
    correct,
    behind,
    errors: report.errors + postErrors,
  };
}
