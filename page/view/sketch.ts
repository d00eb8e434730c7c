// The plain line a following frame shows for a row it left unbuilt (out of time, or above a firehose's newest rows;
// list.ts): never a blank strip, and a warning or an error still stands out.
import { stripAnsi } from "../../lib/ansi.js";
import { levelOf } from "../../lib/levels.js";
import type { Item } from "../items";
import { messageText } from "./fields";
import { clockText } from "./time-label";

export interface SketchLine {
  text: string;
  /** A level the sketch colours (warn and worse: what must stand out even in a firehose), else null. */
  level: "warn" | "error" | "fatal" | null;
}

/** A row's time and the first line of its message, as plain text, and its level if it is a warning or worse. */
export function sketchLine(item: Item, utc: boolean): SketchLine {
  if (item.kind !== "entry") return { text: "", level: null };
  const { time } = item.entry;
  const message = messageText(item.entry.message);
  const head = message.length > 300 ? message.slice(0, 300) : message;
  const end = head.search(/[\r\n]/);
  const level = levelOf(item.entry.level);
  return {
    text: `${clockText(time, utc)}  ${stripAnsi(end < 0 ? head : head.slice(0, end))}`,
    level: level === "warn" || level === "error" || level === "fatal" ? level : null,
  };
}
