// The stream's alert rules in a dialog: a list (last firing, its incident, its delivery; delete) and a form
// that saves a rule for the current query. Writing needs an admin token (ADMIN_TOKEN): asked for when the
// server answers 401, kept in this module's memory only, never in storage. A server that allows no webhook host
// (ALERT_WEBHOOK_HOSTS empty, as on a plain `npm start`) is said so when the dialog opens, before any typing.
import { formatTime } from "../../lib/time.js";
import type { AlertRuleSpec, RuleView, WebhookFormat } from "../../lib/types";
import { ApiError, alertSettings, failure, getJson, request, streamPath } from "../api";
import { $ } from "../dom";
import { streamUrl } from "./streams";

/** An admin token the reader typed into the form; lost with the page. */
let adminToken = "";

const headers = (): Record<string, string> => (adminToken ? { Authorization: `Bearer ${adminToken}` } : {});

/** A write's failure: a 401 asks for a write token, anything else is said. */
const needsToken = (caught: unknown) => caught instanceof ApiError && caught.status === 401;

/** Wires the header's Alerts button and the search's "Alert on this query" to the dialog. */
export function wireAlerts(stream: string, currentQuery: () => string) {
  const dialog = $<HTMLDialogElement>("alerts");
  const form = $<HTMLFormElement>("alert-form");
  const error = $("alert-error");
  const base = streamPath(stream, "/alerts");
  const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
  let opener: HTMLElement | null = null;

  const open = (focus: HTMLElement) => {
    opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    error.textContent = "";
    if (!dialog.open) dialog.showModal();
    focus.focus();
    void refresh();
    void checkHosts();
  };
  $("alerts-open").hidden = false;
  $("alert-query").hidden = false;
  $("alerts-open").addEventListener("click", () => open($("alerts-close")));
  $("alert-query").addEventListener("click", () => {
    field("query").value = currentQuery();
    open(field("name"));
  });
  $("alerts-close").addEventListener("click", () => dialog.close());
  // Escape closes a modal dialog natively; focus goes back to what opened it.
  dialog.addEventListener("close", () => opener?.focus());

  /** Says first thing when no webhook host is allowed; asked once a page (the setting needs a restart). */
  let hostsChecked = false;
  async function checkHosts() {
    if (hostsChecked) return;
    hostsChecked = true;
    // A failed read says nothing about the hosts: the form's own answer will.
    const settings = await alertSettings(stream).catch(() => null);
    if (settings === null || settings.webhookHosts.length > 0) return;
    const note = $("alert-hosts");
    note.textContent = `No rule can be saved yet: this server allows no webhook host. Set ${settings.webhookHostsSetting} (wrangler.toml [vars], or .dev.vars locally) to the hosts alerts may call, e.g. hooks.slack.com, and restart the server.`;
    note.hidden = false;
  }

  async function refresh() {
    const status = $("alert-list-status");
    try {
      const { alerts } = await getJson<{ alerts: RuleView[] }>(base);
      $("alert-list").replaceChildren(...alerts.map(ruleItem));
      status.textContent = alerts.length === 0 ? "No rule on this stream yet." : "";
    } catch (caught) {
      status.textContent =
        caught instanceof ApiError ? caught.message : `The rules could not be read: ${failure(caught)}`;
    }
  }

  function ruleItem(rule: RuleView): HTMLElement {
    const item = document.createElement("li");
    item.dataset.name = rule.name;
    const title = document.createElement("strong");
    title.textContent = rule.name;
    const query = document.createElement("code");
    query.textContent = rule.query;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "Delete";
    remove.setAttribute("aria-label", `Delete the rule ${rule.name}`);
    remove.addEventListener("click", () => void removeRule(rule.name, remove));
    const fired = document.createElement("p");
    fired.className = "fired";
    if (rule.lastFiredAt === null) fired.textContent = "Never fired.";
    else {
      fired.append(`Last fired ${formatTime(rule.lastFiredAt).slice(0, 8)}`);
      if (rule.lastIncident !== null) {
        const link = document.createElement("a");
        const url = new URL(streamUrl(stream), location.origin);
        url.searchParams.set("incident", rule.lastIncident);
        link.href = `${url.pathname}${url.search}`;
        link.textContent = "open the incident";
        fired.append(" — ", link);
      }
      fired.append(`. ${deliveryText(rule.lastDelivery)}`);
    }
    if (rule.skipped > 0) fired.append(` ${rule.skipped} firing${rule.skipped === 1 ? "" : "s"} skipped.`);
    item.append(title, " ", query, " ", remove, fired);
    return item;
  }

  async function removeRule(name: string, button: HTMLButtonElement) {
    try {
      await request(`${base}/${encodeURIComponent(name)}`, { method: "DELETE", headers: headers() });
    } catch (caught) {
      if (needsToken(caught)) return askToken(failure(caught));
      if (!(caught instanceof ApiError && caught.status === 404)) {
        error.textContent = failure(caught);
        return;
      }
    }
    button.closest("li")?.remove();
    $("alerts-close").focus();
    void refresh();
  }

  function askToken(message: string) {
    $("alert-token-field").hidden = false;
    error.textContent = `${message} — enter an admin token and try again.`;
    field("token").focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (field("token").value) adminToken = field("token").value;
    const number = (name: string) => (field(name).value === "" ? undefined : Number(field(name).value));
    const count = number("count");
    const seconds = number("seconds");
    // What the form sets; the server fills in the rest with its defaults.
    const rule: Partial<AlertRuleSpec> = {
      query: field("query").value,
      ...(count !== undefined || seconds !== undefined ? { when: { count: count ?? 1, seconds: seconds ?? 0 } } : {}),
      ...(number("cooldown") !== undefined ? { cooldownSeconds: number("cooldown") } : {}),
      ...(number("before") !== undefined ? { before: number("before") } : {}),
      ...(number("after") !== undefined ? { after: number("after") } : {}),
      webhook: {
        url: field("url").value,
        format: (form.elements.namedItem("format") as HTMLSelectElement).value as WebhookFormat,
      },
    };
    const name = field("name").value.trim();
    try {
      await request(`${base}/${encodeURIComponent(name)}`, {
        method: "PUT",
        headers: { "Content-Type": "application/json", ...headers() },
        body: JSON.stringify(rule),
      });
    } catch (caught) {
      if (needsToken(caught)) return askToken(failure(caught));
      error.textContent = failure(caught);
      return;
    }
    error.textContent = "";
    field("token").value = "";
    $("alert-token-field").hidden = true;
    await refresh();
    $("alert-list-status").textContent = `Saved the rule ${name}.`;
  });
}

function deliveryText(delivery: RuleView["lastDelivery"]): string {
  if (delivery === null) return "Not delivered yet.";
  const tries = `${delivery.attempts} attempt${delivery.attempts === 1 ? "" : "s"}`;
  if (delivery.ok) return `Delivered (${delivery.status ?? "ok"}, ${tries}).`;
  const why = delivery.error ?? `status ${delivery.status}`;
  return delivery.final
    ? `Delivery failed for good: ${why} (${tries}).`
    : `Delivery failing: ${why} (${tries}); retrying.`;
}
