// An alert rule as the API accepts it: parsed and checked once, in the Worker, before the stream stores it.
import { formatQueryError, parseQuery } from "../../lib/query.js";
import type { AlertRuleSpec } from "../../lib/types";
import { ClientError } from "../errors";

/** A rule as stored by the stream's Durable Object: everything a firing and its delivery need. */
export interface AlertRule extends AlertRuleSpec {
  /** The origin the rule was saved through: incident links in notifications point there. */
  origin: string;
}

export const RULE_DEFAULTS = { when: { count: 1, seconds: 0 }, cooldownSeconds: 60, before: 20, after: 20 } as const;

/** Bounds that keep one rule's state and one incident small. */
export const RULE_LIMITS = { count: 1000, seconds: 86_400, cooldownSeconds: 86_400, lines: 100 } as const;

/** Rule names: the characters of stream names, so they sit in a URL path as they are. */
const RULE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

const FIELDS = ["query", "when", "cooldownSeconds", "before", "after", "webhook"];

/** The rule's name, checked: a 400 saying what a name may be. */
export function checkRuleName(name: string): string {
  if (RULE_NAME.test(name)) return name;
  throw new ClientError(400, `Invalid alert name ${JSON.stringify(name)}: use 1–64 characters of A-Z a-z 0-9 . _ -`);
}

/**
 * Reads a rule from a PUT body, filling in the defaults; a 400 naming the field and what to send instead.
 * `hosts` is ALERT_WEBHOOK_HOSTS: the only hosts (or host:port) a webhook may call.
 */
export function parseRule(body: unknown, hosts: readonly string[], origin: string): AlertRule {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid('send the rule as a JSON object, e.g. {"query":"level:error","webhook":{"url":"https://…"}}');
  }
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).find((key) => !FIELDS.includes(key));
  if (unknown !== undefined) throw invalid(`unknown field "${unknown}"; the fields are ${FIELDS.join(", ")}`);
  return {
    query: checkQuery(input.query),
    when: checkWhen(input.when),
    cooldownSeconds: integer(
      input.cooldownSeconds,
      "cooldownSeconds",
      0,
      RULE_LIMITS.cooldownSeconds,
      RULE_DEFAULTS.cooldownSeconds,
    ),
    before: integer(input.before, "before", 0, RULE_LIMITS.lines, RULE_DEFAULTS.before),
    after: integer(input.after, "after", 0, RULE_LIMITS.lines, RULE_DEFAULTS.after),
    webhook: checkWebhook(input.webhook, hosts),
    origin,
  };
}

function invalid(what: string): ClientError {
  return new ClientError(400, `Invalid alert rule: ${what}`);
}

function checkQuery(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw invalid(
      '"query" is required: the lines to alert on, in the search box\'s language, e.g. "level:error payment"',
    );
  }
  const parsed = parseQuery(value);
  if (!parsed.ok) throw invalid(`"query": ${formatQueryError(value, parsed.error)}`);
  return parsed.query.text;
}

function checkWhen(value: unknown): AlertRule["when"] {
  if (value === undefined) return { ...RULE_DEFAULTS.when };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid('"when" must be an object such as {"count":5,"seconds":60} (5 matches within 60 seconds)');
  }
  const { count, seconds, newPattern, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) {
    throw invalid(`unknown field "when.${extra}"; "when" has count and seconds, or newPattern`);
  }
  if (newPattern !== undefined) {
    if (newPattern !== true || count !== undefined || seconds !== undefined) {
      throw invalid(
        '"when.newPattern" is true, alone: {"newPattern":true} fires on the first line of each new pattern',
      );
    }
    return { newPattern: true };
  }
  const when = {
    count: integer(count, "when.count", 1, RULE_LIMITS.count, 1),
    seconds: integer(seconds, "when.seconds", 0, RULE_LIMITS.seconds, 0),
  };
  if (when.count > 1 && when.seconds === 0) {
    throw invalid(`"when.count" is ${when.count}: give "when.seconds" > 0, the window those matches must fall in`);
  }
  return when;
}

function integer(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return value;
  throw invalid(`"${name}" must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
}

function checkWebhook(value: unknown, hosts: readonly string[]): AlertRule["webhook"] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid('"webhook" is required: {"url":"https://…","format":"json" or "slack"}');
  }
  const { url, format = "json", ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw invalid(`unknown field "webhook.${extra}"; "webhook" has url and format`);
  if (format !== "json" && format !== "slack") {
    throw invalid(`"webhook.format" is "json" (the default) or "slack" (Slack, Discord's /slack, Mattermost)`);
  }
  if (typeof url !== "string") throw invalid('"webhook.url" is required: the http(s) URL to POST notifications to');
  return { url: checkWebhookUrl(url, hosts), format };
}

/** The URL as it will be called, once its scheme and host are allowed. */
export function checkWebhookUrl(text: string, hosts: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`"webhook.url" ${JSON.stringify(text)} is not an absolute URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw invalid(`"webhook.url" must be http or https, not ${url.protocol.slice(0, -1)}`);
  }
  if (url.username !== "" || url.password !== "") {
    throw invalid('"webhook.url" must not carry a user or password: put a secret in its path or query instead');
  }
  if (hosts.length === 0) {
    throw invalid("no webhook host is allowed yet: set ALERT_WEBHOOK_HOSTS to the hosts alerts may call");
  }
  if (!hostAllowed(url, hosts)) {
    throw invalid(
      `the host ${url.host} is not in ALERT_WEBHOOK_HOSTS (${hosts.join(", ")}): add it there, or use one of those`,
    );
  }
  return url.href;
}

/** `host` allows the scheme's default port only; `host:port` that port. A listed `https://host/` counts as `host`. */
export function hostAllowed(url: URL, hosts: readonly string[]): boolean {
  const host = url.host.toLowerCase();
  return hosts.some(
    (allowed) =>
      allowed
        .toLowerCase()
        .replace(/^[a-z]+:\/\//, "")
        .replace(/\/.*$/, "") === host,
  );
}

/** The webhook URL without what may be a secret (Slack's URLs are), for readers without the write right. */
export function redactUrl(text: string): string {
  const url = new URL(text);
  return url.pathname === "/" && url.search === "" ? url.href : `${url.origin}/…`;
}
