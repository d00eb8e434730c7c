// Which streams of a merged view's `?streams=a,b,team-a.*` this request may read: shared by the merged events
// route and the merged histogram, so both check names and resolve prefixes alike.
import { ClientError } from "../errors";
import { presentedToken, readablePrefixes } from "../http/auth";
import { type AppContext, authorize } from "../http/context";
import { effectivePrefixes, MAX_LIST_LIMIT } from "../stream/index-shards";
import { MAX_MERGED_STREAMS, parseStreamSelection } from "./selection";
import { listStreams } from "./stream-list";

/** A selection checked against the request's token. */
export interface ReadableSelection {
  /** The named streams, each one the token may read. */
  names: string[];
  /** Whether the selection has prefixes, which follow streams to come. */
  followsPrefixes: boolean;
  /** Listed streams under the prefixes that the token may read, beyond those in `known`; none without prefixes. */
  discover(known: string[]): Promise<string[]>;
}

/**
 * Reads `?streams=…` and checks it: every name authorised (a 401 names the one the token may not read), a
 * selection with prefixes needing a read token, its prefixes narrowed to what the token may read.
 */
export async function readableSelection(c: AppContext, value: string | null): Promise<ReadableSelection> {
  const selection = parseStreamSelection(value);
  for (const name of selection.names) {
    await authorize(c, "read", name).catch((error: unknown) => {
      throw error instanceof ClientError && error.status === 401
        ? new ClientError(
            401,
            `This token cannot read the stream "${name}": leave it out, or use a token for it`,
            error.headers,
          )
        : error;
    });
  }
  let prefixes: string[] = [];
  if (selection.prefixes.length > 0) {
    // A view of prefixes alone names no stream to check: it needs a read token all the same.
    await authorize(c, "read");
    const readable = await readablePrefixes(c.var.config.auth, presentedToken(c.req.raw, "read"));
    // The index answers the narrowed prefixes as name ranges.
    prefixes = [...new Set(selection.prefixes.flatMap((prefix) => effectivePrefixes(prefix, readable)))];
  }
  const discover = async (known: string[]): Promise<string[]> => {
    const limit = Math.min(MAX_LIST_LIMIT, MAX_MERGED_STREAMS + known.length);
    const page = await listStreams(c.env, c.var.config.streamIndexShards, prefixes, "", limit);
    return page.streams.map((stream) => stream.name).filter((name) => !known.includes(name));
  };
  return { names: selection.names, followsPrefixes: selection.prefixes.length > 0, discover };
}

/** The streams the selection shows now: its names, then those listed under its prefixes, at most MAX_MERGED_STREAMS. */
export async function readableStreams(c: AppContext, value: string | null): Promise<string[]> {
  const selection = await readableSelection(c, value);
  return [...selection.names, ...(await selection.discover(selection.names))].slice(0, MAX_MERGED_STREAMS);
}
