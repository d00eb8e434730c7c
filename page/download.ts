// Download: every held entry as NDJSON, in a file named for the stream and the time.
import type { LogEntry } from "../lib/types";

export function download(entries: LogEntry[], stream: string) {
  const lines = entries.map((entry) => JSON.stringify(entry)).join("\n");
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([lines ? `${lines}\n` : ""], { type: "application/x-ndjson" }));
  // A merged view's name (`a,team-b.*`) made fit for a file name.
  const name = stream.replace(/[^A-Za-z0-9._-]+/g, "_");
  link.download = `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.ndjson`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
