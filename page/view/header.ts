// What the page says about the log around it: the connection badge, the line counts, Pause and "Jump to
// latest", and the empty state when no row shows.
import type { ConnectionState } from "../connection";
import { $ } from "../dom";
import { isFiltering, type LogState } from "../state";
import { type EmptyState, showEmpty } from "./empty";
import type { LogList } from "./list";

export interface HeaderOptions {
  stream: string;
  merged: boolean;
  state: LogState;
  list: LogList;
  /** The search box's text, as the empty state repeats it. */
  query: () => string;
  /** The empty state's "search all". */
  searchHistory: EmptyState["load"];
  /** Whether older lines than those held may match (the header's "search all" is offered then). */
  mayHaveOlder: () => boolean;
}

export class Header {
  private connection: ConnectionState = "connecting";
  private reason = "";
  private readonly badge = $("state");
  private readonly matches = $("matches");
  private readonly jump = $<HTMLButtonElement>("jump");
  private readonly pauseButton = $<HTMLButtonElement>("pause");
  private readonly log = $("log");

  constructor(private readonly options: HeaderOptions) {}

  /** The connection's state and why (a reconnect's reason), as the connection reports it. */
  setConnection(name: ConnectionState, reason?: string) {
    this.connection = name;
    this.reason = reason ?? "";
    this.showState();
  }

  /** The badge: the connection's state, or "paused" while live but not following. */
  private showState() {
    const name = this.connection === "live" && this.options.state.paused !== null ? "paused" : this.connection;
    this.badge.dataset.state = name;
    this.badge.textContent = this.reason && name !== "paused" ? `${name}: ${this.reason}` : name;
    // At a desktop's width a long reason is cut off to keep the header one row: the whole on hover.
    this.badge.title = this.badge.textContent;
  }

  /** After a pause or a resume: Pause's label, the log's paused look, the badge and the counts. */
  showPause() {
    const paused = this.options.state.paused !== null;
    this.pauseButton.setAttribute("aria-pressed", String(paused));
    this.pauseButton.textContent = paused ? "Resume" : "Pause";
    this.log.classList.toggle("paused", paused);
    this.showState();
    this.showCounts();
  }

  showCounts() {
    const { state, list, stream, merged } = this.options;
    const entries = state.shownEntries;
    const filtering = isFiltering(state.filter);
    // Every held line matches when the server filtered them all: "8 of 8" would say nothing.
    this.matches.textContent = !filtering
      ? `${entries.toLocaleString()} line${entries === 1 ? "" : "s"}`
      : entries === state.size
        ? `${entries.toLocaleString()} matching line${entries === 1 ? "" : "s"}`
        : `${entries.toLocaleString()} of ${state.size.toLocaleString()} match`;
    // Some held lines match: older ones may too ("search all" loads them above).
    $("search-older").hidden = !(filtering && entries > 0 && this.options.mayHaveOlder());
    const waiting = state.newWhilePaused;
    this.jump.hidden = state.paused === null;
    this.jump.textContent =
      waiting > 0
        ? `${waiting.toLocaleString()} new line${waiting === 1 ? "" : "s"} — jump to latest`
        : "Jump to latest";
    const empty = list.count === 0;
    showEmpty(
      empty
        ? {
            stream,
            filtering,
            held: state.size,
            query: this.options.query(),
            level: state.filter.level,
            merged,
            load: this.options.searchHistory,
          }
        : null,
    );
  }
}
