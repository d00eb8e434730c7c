// `"when":{"newPattern":true}`: a rule that fires on the first line of each pattern the stream never had.
import { describe, expect, it } from "vitest";
import { parseRule } from "../../src/alerts/rule";
import { freshStream, post, request } from "../helpers";

const HOOK = "http://127.0.0.1:9/hook";
const HOSTS = ["127.0.0.1:9"];

describe("a newPattern rule", () => {
  it("is {newPattern: true} alone; anything else in it is a 400 saying so", () => {
    const rule = parseRule({ query: "level:>=warn", when: { newPattern: true }, webhook: { url: HOOK } }, HOSTS, "o");
    expect(rule.when).toEqual({ newPattern: true });
    for (const when of [{ newPattern: false }, { newPattern: true, count: 2, seconds: 5 }, { newPattern: "yes" }]) {
      expect(() => parseRule({ query: "x", when, webhook: { url: HOOK } }, HOSTS, "o")).toThrow(
        /"when.newPattern" is true, alone/,
      );
    }
  });

  it("fires for the first matching line of each new pattern, not for repeats or for lines it does not match", async () => {
    const stream = freshStream();
    await post(stream, "WARN disk 91% full on db-1");
    const rule = { query: "level:>=warn", when: { newPattern: true }, cooldownSeconds: 0, webhook: { url: HOOK } };
    const put = await request(`/api/streams/${stream}/alerts/novel`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(rule),
    });
    expect(put.status).toBe(201);
    expect(await put.json()).toMatchObject({ when: { newPattern: true } });
    // A known pattern (it predates the rule), a new info pattern, and a new error pattern twice.
    await post(
      stream,
      "WARN disk 95% full on db-2\nINFO cache warmed\nERROR shard 3 unreachable\nERROR shard 4 unreachable",
    );
    await post(stream, "ERROR shard 5 unreachable\nWARN queue depth 9000 over limit");
    const listed = await request(`/api/streams/${stream}/incidents`);
    const { incidents } = await listed.json<{ incidents: { matchId: number }[] }>();
    expect(incidents.map((incident) => incident.matchId).sort((a, b) => a - b)).toEqual([4, 7]);
  });
});
