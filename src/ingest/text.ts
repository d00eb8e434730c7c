import { levelOf } from "../../lib/levels.js";
import type { EntryDraft } from "../stream/stored";

const TEXT_LEVEL = /^\s*\[?(trace|debug|info|warn|warning|error|fatal)\]?(?![\w])/i;

/** Every non-empty line is one entry; a leading level word (optionally in brackets) sets its level. */
export function parseText(body: string, now: number): EntryDraft[] {
  const entries: EntryDraft[] = [];
  for (const raw of body.split("\n")) {
    const message = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (message.length > 0) entries.push(textEntry(message, now));
  }
  return entries;
}

/** One line of text as an entry, its level read from a leading level word. */
export function textEntry(message: string, now: number): EntryDraft {
  const word = TEXT_LEVEL.exec(message)?.[1];
  return { time: now, level: word ? levelOf(word) : null, message };
}
