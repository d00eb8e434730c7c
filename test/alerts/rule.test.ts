import { describe, expect, it } from "vitest";
import { checkRuleName, parseRule, redactUrl } from "../../src/alerts/rule";
import { ClientError } from "../../src/errors";

const HOSTS = ["hooks.slack.com", "127.0.0.1:8080"];
const ORIGIN = "https://tail.example";
const webhook = { url: "https://hooks.slack.com/services/T/B/x" };

/** The 400's message for a body, failing the test when the body is accepted. */
function refusal(body: unknown, hosts = HOSTS): string {
  try {
    parseRule(body, hosts, ORIGIN);
  } catch (error) {
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).status).toBe(400);
    return (error as ClientError).message;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe("parseRule", () => {
  it("fills in the defaults: every match, 60 s cooldown, 20 lines each side, json", () => {
    expect(parseRule({ query: "level:error  payment", webhook }, HOSTS, ORIGIN)).toEqual({
      query: "level:error payment",
      when: { count: 1, seconds: 0 },
      cooldownSeconds: 60,
      before: 20,
      after: 20,
      webhook: { url: webhook.url, format: "json" },
      origin: ORIGIN,
    });
  });

  it("keeps every given setting", () => {
    const rule = parseRule(
      {
        query: "status:>=500",
        when: { count: 5, seconds: 30 },
        cooldownSeconds: 0,
        before: 0,
        after: 100,
        webhook: { url: "http://127.0.0.1:8080/hook?x=1", format: "slack" },
      },
      HOSTS,
      ORIGIN,
    );
    expect(rule).toMatchObject({
      when: { count: 5, seconds: 30 },
      cooldownSeconds: 0,
      before: 0,
      after: 100,
      webhook: { url: "http://127.0.0.1:8080/hook?x=1", format: "slack" },
    });
  });

  it("says what to fix in each field", () => {
    expect(refusal([])).toMatch(/send the rule as a JSON object/);
    expect(refusal({ webhook })).toMatch(/"query" is required/);
    expect(refusal({ query: "status:", webhook })).toMatch(/"query": Invalid query at position/);
    expect(refusal({ query: "x", webhook, cooldown: 5 })).toMatch(
      /unknown field "cooldown"; the fields are query, when/,
    );
    expect(refusal({ query: "x", webhook, when: { count: 3 } })).toMatch(/give "when.seconds" > 0/);
    expect(refusal({ query: "x", webhook, when: { count: 0, seconds: 5 } })).toMatch(
      /"when.count" must be a whole number from 1 to 1000, not 0/,
    );
    expect(refusal({ query: "x", webhook, when: 5 })).toMatch(/"when" must be an object/);
    expect(refusal({ query: "x", webhook, before: 2.5 })).toMatch(/"before" must be a whole number from 0 to 100/);
    expect(refusal({ query: "x", webhook, after: 101 })).toMatch(/"after" must be a whole number from 0 to 100/);
    expect(refusal({ query: "x", webhook, cooldownSeconds: "60" })).toMatch(/"cooldownSeconds" must be a whole number/);
    expect(refusal({ query: "x" })).toMatch(/"webhook" is required/);
    expect(refusal({ query: "x", webhook: { url: webhook.url, format: "teams" } })).toMatch(
      /"json" \(the default\) or "slack"/,
    );
    expect(refusal({ query: "x", webhook: { url: webhook.url, secret: "s" } })).toMatch(
      /unknown field "webhook.secret"/,
    );
  });

  it("calls only http(s) URLs on the hosts ALERT_WEBHOOK_HOSTS lists, port included", () => {
    const url = (text: string) => ({ query: "x", webhook: { url: text } });
    expect(refusal(url("hooks.slack.com/x"))).toMatch(/is not an absolute URL/);
    expect(refusal(url("ftp://hooks.slack.com/x"))).toMatch(/must be http or https, not ftp/);
    expect(refusal(url("https://u:p@hooks.slack.com/x"))).toMatch(/must not carry a user or password/);
    expect(refusal(url("https://evil.example/x"))).toMatch(
      /the host evil.example is not in ALERT_WEBHOOK_HOSTS \(hooks.slack.com, 127.0.0.1:8080\)/,
    );
    expect(refusal(url("https://hooks.slack.com:8443/x"))).toMatch(/hooks.slack.com:8443 is not in/);
    expect(refusal(url("http://127.0.0.1/x"))).toMatch(/the host 127.0.0.1 is not in/);
    expect(refusal(url("http://127.0.0.1:8081/x"))).toMatch(/127.0.0.1:8081 is not in/);
    expect(refusal(url("https://hooks.slack.com.evil.example/x"))).toMatch(/is not in/);
    expect(parseRule(url("https://HOOKS.slack.com:443/a"), HOSTS, ORIGIN).webhook.url).toBe(
      "https://hooks.slack.com/a",
    );
    expect(refusal(url("https://hooks.slack.com/x"), [])).toMatch(/set ALERT_WEBHOOK_HOSTS/);
    expect(parseRule(url("https://hooks.slack.com/a"), ["https://hooks.slack.com/"], ORIGIN).webhook.url).toBe(
      "https://hooks.slack.com/a",
    );
  });
});

describe("names and redaction", () => {
  it("accepts the characters of stream names", () => {
    expect(checkRuleName("payments.errors-1_a")).toBe("payments.errors-1_a");
    expect(() => checkRuleName("a b")).toThrow(/Invalid alert name "a b": use 1–64 characters/);
    expect(() => checkRuleName("x".repeat(65))).toThrow(ClientError);
  });

  it("cuts a webhook URL to its origin for readers who may not write", () => {
    expect(redactUrl("https://hooks.slack.com/services/T/B/secret")).toBe("https://hooks.slack.com/…");
    expect(redactUrl("https://hooks.example.com/?token=s")).toBe("https://hooks.example.com/…");
    expect(redactUrl("https://hooks.example.com/")).toBe("https://hooks.example.com/");
  });
});
