// The plain line a following frame shows for a row it had no time to build (list.ts): never a blank strip.
import { stripAnsi } from "../../lib/ansi.js";
import type { Item } from "../items";
import { messageText } from "./fields";
import { clockText } from "./time-label";

/** A row's time and the first line of its message, as plain text (a mark has none). */
export function sketchLine(item: Item, utc: boolean): string {
  if (item.kind !== "entry") return "";
  const { time } = item.entry;
  const message = messageText(item.entry.message);
  const head = message.length > 300 ? message.slice(0, 300) : message;
  const end = head.search(/[\r\n]/);
  return `${clockText(time, utc)}  ${stripAnsi(end < 0 ? head : head.slice(0, end))}`;
}
