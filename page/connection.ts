// The page's one EventSource: connect with the filter the server applies too, resume from the last id after a
// drop, ask for a read token when the server wants one, and report outages with their times.
import { GAP_EVENT, LOG_EVENT } from "../lib/events.js";
import type { Gap, LogEntry } from "../lib/types";

export type ConnectionState = "connecting" | "live" | "reconnecting";

export interface ConnectionOptions {
  stream: string;
  /** Entries the server backfills on a fresh connect. */
  tail: number;
  /** A read token given in the page's URL, passed on; otherwise the sign-in cookie does the work. */
  accessToken: string | null;
  /** The highest entry id this view holds: a reconnect resumes after it. */
  lastId: () => number;
  onEntry: (entry: LogEntry) => void;
  onGap: (gap: Gap) => void;
  onOutage: (from: number, to: number) => void;
  onState: (state: ConnectionState, reason?: string) => void;
  onNeedToken: () => void;
}

/** What the server filters by: the query text (already valid) and the minimum level. */
export interface ServerFilter {
  q: string;
  level: string;
}

const RETRY_MS = 2000;

export class Connection {
  private source: EventSource | null = null;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private filter: ServerFilter = { q: "", level: "" };
  /** When the live connection was lost; null while connected or never connected. */
  private lostAt: number | null = null;
  private wasLive = false;

  constructor(private readonly options: ConnectionOptions) {}

  /** First connect: asks for a token if the server wants one. */
  start(filter: ServerFilter) {
    this.filter = filter;
    void this.probe();
  }

  /** Reconnects with another filter: a fresh backfill of its matches, then live entries. */
  refilter(filter: ServerFilter) {
    this.filter = filter;
    this.connect(false);
  }

  private connect(resume: boolean) {
    clearTimeout(this.retry);
    this.source?.close();
    const { stream, tail, accessToken } = this.options;
    const params = new URLSearchParams({ tail: String(tail) });
    if (this.filter.level) params.set("level", this.filter.level);
    if (this.filter.q) params.set("q", this.filter.q);
    const lastId = this.options.lastId();
    if (resume && lastId > 0) params.set("lastEventId", String(lastId));
    if (accessToken) params.set("access_token", accessToken);
    // A deliberate reconnect with a new filter is no outage: the badge keeps its state.
    if (resume || !this.wasLive) this.options.onState(this.wasLive ? "reconnecting" : "connecting");
    const source = new EventSource(`/api/streams/${encodeURIComponent(stream)}/events?${params}`);
    this.source = source;
    source.onopen = () => {
      if (this.lostAt !== null) this.options.onOutage(this.lostAt, Date.now());
      this.lostAt = null;
      this.wasLive = true;
      this.options.onState("live");
    };
    source.addEventListener(LOG_EVENT, (event) => {
      const entry = parse(event.data) as LogEntry | null;
      if (entry !== null && typeof entry.id === "number") this.options.onEntry(entry);
    });
    source.addEventListener(GAP_EVENT, (event) => {
      const gap = parse(event.data) as Gap | null;
      if (gap !== null && typeof gap.from === "number" && typeof gap.to === "number") this.options.onGap(gap);
    });
    source.onerror = () => {
      if (this.wasLive && this.lostAt === null) this.lostAt = Date.now();
      if (source.readyState === EventSource.CONNECTING) {
        this.options.onState("reconnecting", "connection lost, retrying");
        return;
      }
      // The browser gave up (an HTTP error or a wrong response): find out why, then resume from the last id.
      source.close();
      void this.probe();
    };
  }

  /** Connects, unless the server wants a token first; then asks for it once. */
  async probe() {
    const { stream, accessToken } = this.options;
    const query = accessToken ? `?access_token=${encodeURIComponent(accessToken)}` : "";
    let response: Response | null = null;
    try {
      response = await fetch(`/api/streams/${encodeURIComponent(stream)}${query}`);
    } catch {
      // Unreachable: handled below like any other failure.
    }
    if (response?.status === 401) {
      this.options.onState("reconnecting", "a read token is needed");
      this.options.onNeedToken();
      return;
    }
    if (response?.ok) {
      this.connect(true);
      return;
    }
    const reason = response ? `server answered ${response.status}` : "server unreachable";
    this.options.onState("reconnecting", `${reason}, retrying in ${RETRY_MS / 1000} s`);
    this.retry = setTimeout(() => void this.probe(), RETRY_MS);
  }
}

function parse(data: unknown): unknown {
  try {
    return typeof data === "string" ? JSON.parse(data) : null;
  } catch {
    return null;
  }
}
