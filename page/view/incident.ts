// `/?stream=NAME&incident=ID`: what an alert captured, the lines before and after the matching one, built by
// the log's own row renderer; the match is marked, focused and announced. The heading names the rule, the stream
// and when it fired ("declines on orders, 12:03:04"), the incident's id small after it.
import type { Incident, LogEntry } from "../../lib/types";
import { ApiError, failure, getJson, streamPath } from "../api";
import { $, element } from "../dom";
import type { EntryItem } from "../state";
import { utcWanted } from "../url";
import { checkClamps } from "./clamp";
import { buildRow } from "./rows";
import { streamUrl } from "./streams";
import { clockText, timeLabel } from "./time-label";

/** The heading: what it says, then the id, small and muted (an id is for copying, not for reading). */
function heading(title: HTMLElement, text: string, id: string) {
  title.replaceChildren(text, " ", element("span", "incident-id", id));
}

export async function showIncident(stream: string, id: string) {
  const section = $("incident");
  section.hidden = false;
  document.title = `Incident on ${stream} · edge-tail`;
  ($("incident-live") as HTMLAnchorElement).href = streamUrl(stream);
  const title = $("incident-title");
  const detail = $("incident-detail");
  heading(title, `Incident on ${stream}`, id);
  const utc = utcWanted();
  let incident: Incident;
  try {
    incident = await getJson<Incident>(streamPath(stream, `/incidents/${encodeURIComponent(id)}`));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      detail.textContent = "This incident has expired (incidents are kept for 7 days), or never existed.";
      title.focus();
    } else if (error instanceof ApiError) detail.textContent = error.message;
    else detail.textContent = `The incident could not be read: ${failure(error)}`;
    return;
  }
  // To the second, with the date when it is not today's (incidents are kept a week).
  const when = timeLabel(incident.firedAt, utc).text.slice(0, -4);
  heading(title, `${incident.alert} on ${stream}, ${when}`, `incident ${id}`);
  document.title = `${incident.alert} on ${stream}, ${when} · edge-tail`;
  detail.textContent = `The rule ${incident.alert} fired at ${clockText(incident.firedAt, utc)}${utc ? " UTC" : ""} on line ${incident.entry.id} (${incident.state}): ${incident.before.length} line${incident.before.length === 1 ? "" : "s"} before it, ${incident.after.length} after.`;
  let seq = 0;
  const row = (entry: LogEntry, expanded = false): HTMLElement => {
    const item: EntryItem = { kind: "entry", seq: ++seq, version: 0, entry };
    const built = buildRow(item, { highlights: null, expanded, utc });
    // "show more" opens the row in place (and "show less" closes it), as in the live log.
    built.querySelector(".more")?.addEventListener("click", () => {
      const again = row(entry, !expanded);
      again.classList.toggle("match", built.classList.contains("match"));
      for (const name of ["tabindex", "aria-current"]) {
        const value = built.getAttribute(name);
        if (value !== null) again.setAttribute(name, value);
      }
      built.replaceWith(again);
      requestAnimationFrame(() => checkClamps([again]));
      again.querySelector<HTMLElement>(".more")?.focus();
    });
    return built;
  };
  const match = row(incident.entry);
  match.classList.add("match");
  match.tabIndex = -1;
  match.setAttribute("aria-current", "true");
  // Named for screen readers as the match, in the text itself: the row's own text follows.
  const said = document.createElement("span");
  said.className = "visually-hidden";
  said.textContent = "The matching line: ";
  match.querySelector(".body")?.prepend(said);
  const rows = [...incident.before.map((entry) => row(entry)), match, ...incident.after.map((entry) => row(entry))];
  $("incident-rows").replaceChildren(...rows);
  requestAnimationFrame(() => checkClamps(rows));
  match.focus();
}
