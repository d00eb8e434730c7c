// The alert routes: rules (written with the stream's write right) and their incidents (read with its read right).
import { Hono } from "hono";
import type { AlertSettings, RuleView } from "../../lib/types";
import { ClientError } from "../errors";
import { grantingTokens, matchesAny, presentedToken } from "../http/auth";
import { readBody } from "../http/body";
import { type AppContext, type AppEnv, authorize, checkStreamName, streamRoute, streamStub } from "../http/context";
import { checkRuleName, parseRule, redactUrl } from "./rule";

/** Largest rule body: a rule is a query and a URL, never more than a few hundred bytes. */
const MAX_RULE_BYTES = 16_384;
/** Incidents one listing returns at most. */
const MAX_LISTED_INCIDENTS = 100;

/** Alert rules (managed with the stream's admin right) and their incidents (read with its read right). */
export const alertRoutes = new Hono<AppEnv>();

alertRoutes.put("/api/streams/:stream/alerts/:name", streamRoute("admin"), async (c) => {
  const stream = c.req.param("stream");
  const name = checkRuleName(c.req.param("name"));
  const rule = parseRule(await jsonBody(c), c.var.config.alertWebhookHosts, new URL(c.req.url).origin);
  const saved = await streamStub(c, stream).putAlert(stream, name, rule);
  if ("limit" in saved) {
    throw new ClientError(
      409,
      `The stream ${stream} already has ${saved.limit} alert rules, the most it may: delete one first`,
    );
  }
  return c.json(saved.view, saved.created ? 201 : 200);
});

alertRoutes.delete("/api/streams/:stream/alerts/:name", streamRoute("admin"), async (c) => {
  const stream = c.req.param("stream");
  const name = checkRuleName(c.req.param("name"));
  if (!(await streamStub(c, stream).deleteAlert(name))) throw noRule(stream, name);
  return c.body(null, 204);
});

// What a form needs before a rule is typed: the hosts a webhook may call (empty: no rule can be saved yet).
// Read like the rules: an admin or read token, for `?stream=` when given, else for any stream.
alertRoutes.get("/api/alerts/settings", async (c) => {
  const stream = c.req.query("stream");
  await adminOrReader(c, stream === undefined ? undefined : checkStreamName(stream));
  const settings: AlertSettings = {
    webhookHosts: c.var.config.alertWebhookHosts,
    webhookHostsSetting: "ALERT_WEBHOOK_HOSTS",
  };
  return c.json(settings);
});

// Readers without the admin right see rules with the webhook URL cut to its origin: it may hold a secret.
alertRoutes.get("/api/streams/:stream/alerts", async (c) => {
  const stream = checkStreamName(c.req.param("stream"));
  const admin = await adminOrReader(c, stream);
  const rules = await streamStub(c, stream).alerts();
  return c.json({ alerts: rules.map((rule) => (admin ? rule : redacted(rule))) });
});

alertRoutes.get("/api/streams/:stream/alerts/:name", async (c) => {
  const stream = checkStreamName(c.req.param("stream"));
  const name = checkRuleName(c.req.param("name"));
  const admin = await adminOrReader(c, stream);
  const rule = await streamStub(c, stream).alert(name);
  if (rule === null) throw noRule(stream, name);
  return c.json(admin ? rule : redacted(rule));
});

// `?alert=NAME` keeps one rule's incidents; newest first.
alertRoutes.get("/api/streams/:stream/incidents", streamRoute("read"), async (c) => {
  const stream = c.req.param("stream");
  const alert = c.req.query("alert");
  const limitText = c.req.query("limit") ?? "20";
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LISTED_INCIDENTS) {
    throw new ClientError(400, `Invalid limit ${JSON.stringify(limitText)}: give 1 to ${MAX_LISTED_INCIDENTS}`);
  }
  const incidents = await streamStub(c, stream).incidents(
    limit,
    alert === undefined ? undefined : checkRuleName(alert),
  );
  return c.json({ incidents });
});

alertRoutes.get("/api/streams/:stream/incidents/:id", streamRoute("read"), async (c) => {
  const stream = c.req.param("stream");
  const id = c.req.param("id");
  const incident = /^[0-9a-f-]{36}$/.test(id) ? await streamStub(c, stream).incident(id) : null;
  if (incident === null) {
    throw new ClientError(
      404,
      `No incident ${JSON.stringify(id)} on stream ${stream}: it never existed or its INCIDENT_TTL ran out`,
    );
  }
  // The entries are stored as JSON: passed on as they are.
  return c.body(incident, 200, { "Content-Type": "application/json" });
});

async function jsonBody(c: AppContext): Promise<unknown> {
  const type = c.req.header("Content-Type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new ClientError(415, "Send the rule as Content-Type: application/json");
  }
  const text = new TextDecoder().decode(await readBody(c.req.raw, MAX_RULE_BYTES));
  try {
    return JSON.parse(text);
  } catch {
    throw new ClientError(400, 'Invalid alert rule: the body is not JSON; send {"query":…,"webhook":{"url":…}}');
  }
}

/**
 * True when the request may manage the stream's rules (any stream's when omitted); false when it may only read
 * it; else the read refusal (401).
 */
async function adminOrReader(c: AppContext, stream: string | undefined): Promise<boolean> {
  const tokens = grantingTokens(c.var.config.auth, "admin", stream);
  if (tokens === null || (await matchesAny(presentedToken(c.req.raw, "admin"), tokens))) return true;
  await authorize(c, "read", stream);
  return false;
}

function redacted(rule: RuleView): RuleView {
  return { ...rule, webhook: { ...rule.webhook, url: redactUrl(rule.webhook.url) } };
}

function noRule(stream: string, name: string): ClientError {
  return new ClientError(
    404,
    `No alert ${JSON.stringify(name)} on stream ${stream}: list them at /api/streams/${stream}/alerts`,
  );
}
