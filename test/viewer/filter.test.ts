import { expect, it } from "vitest";
import { freshStream, post, Subscription } from "../helpers";

const lines = [
  { level: "debug", msg: "cache warm" },
  { level: "warn", msg: "slow TIMEOUT on db" },
  { msg: "no level timeout" },
  { level: "error", msg: "failed", host: "db-timeout-7" },
  { level: "fatal", msg: "down" },
];

it("filters backfill and live entries by minimum level and text, keeping the stream's ids", async () => {
  const stream = freshStream();
  await post(stream, lines.map((line) => JSON.stringify(line)).join("\n"), "application/x-ndjson");
  const warn = await Subscription.open(stream, "?level=warn");
  const timeout = await Subscription.open(stream, "?q=timeout");
  const both = await Subscription.open(stream, "?level=error&q=TimeOut");
  const tail1 = await Subscription.open(stream, "?level=warn&tail=1");
  await post(stream, lines.map((line) => JSON.stringify(line)).join("\n"), "application/x-ndjson");
  await warn.untilLogs(6);
  await timeout.untilLogs(6);
  await both.untilLogs(2);
  await tail1.untilLogs(4);
  expect(warn.logs.map((entry) => entry.id)).toEqual([2, 4, 5, 7, 9, 10]);
  expect(timeout.logs.map((entry) => entry.id)).toEqual([2, 3, 4, 7, 8, 9]);
  expect(both.logs.map((entry) => entry.id)).toEqual([4, 9]);
  expect(tail1.logs.map((entry) => entry.id)).toEqual([5, 7, 9, 10]);
  await Promise.all([warn, timeout, both, tail1].map((sub) => sub.close()));
});

it("resumes a filtered stream after Last-Event-ID", async () => {
  const stream = freshStream();
  await post(stream, lines.map((line) => JSON.stringify(line)).join("\n"), "application/x-ndjson");
  const sub = await Subscription.open(stream, "?level=warn", { "Last-Event-ID": "2" });
  await sub.untilLogs(2);
  expect(sub.logs.map((entry) => entry.id)).toEqual([4, 5]);
  await sub.close();
});
