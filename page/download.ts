// Download: every held entry as NDJSON, or as CSV with the chosen columns, in a file named for the stream and
// the time.
import type { LogEntry } from "../lib/types";
import { csv } from "./view/columns";

export function download(entries: LogEntry[], stream: string, columns: string[] = []) {
  const lines = entries.map((entry) => JSON.stringify(entry)).join("\n");
  const asCsv = columns.length > 0;
  const body = asCsv ? csv(entries, columns) : lines ? `${lines}\n` : "";
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([body], { type: asCsv ? "text/csv" : "application/x-ndjson" }));
  // A merged view's name (`a,team-b.*`) made fit for a file name.
  const name = stream.replace(/[^A-Za-z0-9._-]+/g, "_");
  link.download = `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.${asCsv ? "csv" : "ndjson"}`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
