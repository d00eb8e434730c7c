// GET /api/alerts/settings: what the Alerts dialog reads before a rule is typed (ALERT_WEBHOOK_HOSTS), instead
// of learning it from a refused PUT; it stores nothing and the rules' own answers keep their shape.
import { expect, it } from "vitest";
import { freshStream, request } from "../helpers";

it("answers the webhook hosts this server allows and the setting that lists them", async () => {
  const response = await request("/api/alerts/settings");
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  // vitest.config.ts sets ALERT_WEBHOOK_HOSTS to these two.
  expect(await response.json()).toEqual({
    webhookHosts: ["127.0.0.1:9", "hooks.example.com"],
    webhookHostsSetting: "ALERT_WEBHOOK_HOSTS",
  });
});

it("takes a stream to check the read right against, and refuses a name that is none", async () => {
  const stream = freshStream();
  const named = await request(`/api/alerts/settings?stream=${stream}`);
  expect(named.status).toBe(200);
  expect(await named.json()).toMatchObject({ webhookHosts: ["127.0.0.1:9", "hooks.example.com"] });
  const bad = await request("/api/alerts/settings?stream=my%20app");
  expect(bad.status).toBe(400);
  expect((await bad.json<{ error: string }>()).error).toMatch(/stream name/i);
  // Reading the settings created nothing: the stream's rule list is still the pinned empty shape.
  expect(await (await request(`/api/streams/${stream}/alerts`)).json()).toEqual({ alerts: [] });
});
