// ANSI SGR styles of a log line as styled runs of text: anser reads the SGR codes (16, 256 and 24-bit colours,
// bold, dim, italic, underline); every other escape sequence is dropped with lib/ansi.js, so no ESC byte ever
// reaches the page. A message's leading timestamp is dimmed here too, as a run of its own.
import Anser from "anser";
import { stripAnsi } from "../../lib/ansi.js";

export interface Run {
  text: string;
  /** Class names (`ansi-red`, `ansi-bold`…); empty for plain text. */
  classes: string[];
  /** Inline colours for 256-colour and 24-bit codes, as CSS colours. */
  color?: string;
  background?: string;
}

const STYLES = new Set(["bold", "dim", "italic", "underline", "strikethrough", "reverse"]);
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding escape bytes is the point.
const HAS_ESCAPE = /[\u001b\u009b]/;

/** The runs of `text`; one plain run when it holds no escape. */
export function ansiRuns(text: string): Run[] {
  if (!HAS_ESCAPE.test(text)) return [{ text, classes: [] }];
  const runs: Run[] = [];
  for (const part of Anser.ansiToJson(text, { use_classes: true, remove_empty: true })) {
    const content = stripAnsi(part.content);
    if (content === "") continue;
    const run: Run = { text: content, classes: [] };
    colour(run, part.fg, part.fg_truecolor, "color");
    colour(run, part.bg, part.bg_truecolor, "background");
    for (const decoration of part.decorations ?? []) {
      if (STYLES.has(decoration)) run.classes.push(`ansi-${decoration}`);
    }
    runs.push(run);
  }
  return runs;
}

/**
 * The runs with the text in [start, end) (a message's timestamp that the time column shows) in the muted class
 * `stamp`; text the line styles itself keeps its style. The text is unchanged, so copy and search read it all.
 */
export function dimRange(runs: Run[], start: number, end: number): Run[] {
  const out: Run[] = [];
  let at = 0;
  for (const run of runs) {
    const from = at;
    at += run.text.length;
    const plain = run.classes.length === 0 && run.color === undefined && run.background === undefined;
    if (!plain || at <= start || from >= end) {
      out.push(run);
      continue;
    }
    const cut = Math.max(start, from) - from;
    const stop = Math.min(end, at) - from;
    if (cut > 0) out.push({ text: run.text.slice(0, cut), classes: [] });
    out.push({ text: run.text.slice(cut, stop), classes: ["stamp"] });
    if (stop < run.text.length) out.push({ text: run.text.slice(stop), classes: [] });
  }
  return out;
}

/** The 16 named colours keep theme-aware classes; palette and 24-bit colours become inline CSS colours. */
function colour(run: Run, name: string | null, truecolor: string | null, property: "color" | "background") {
  if (!name) return;
  let css: string | null = null;
  if (name === "ansi-truecolor" && truecolor) css = `rgb(${truecolor})`;
  else if (name.startsWith("ansi-palette-")) css = palette(Number(name.slice("ansi-palette-".length)));
  if (css !== null) run[property] = css;
  else run.classes.push(property === "color" ? `${name}-fg` : `${name}-bg`);
}

const CUBE = [0, 95, 135, 175, 215, 255];
const BASIC = [
  "0,0,0",
  "205,49,49",
  "13,188,121",
  "229,229,16",
  "36,114,200",
  "188,63,188",
  "17,168,205",
  "229,229,229",
  "102,102,102",
  "241,76,76",
  "35,209,139",
  "245,245,67",
  "59,142,234",
  "214,112,214",
  "41,184,219",
  "255,255,255",
];

/** xterm's 256-colour palette. */
function palette(n: number): string | null {
  if (!Number.isInteger(n) || n < 0 || n > 255) return null;
  if (n < 16) return `rgb(${BASIC[n]})`;
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const i = n - 16;
  return `rgb(${CUBE[Math.floor(i / 36)]},${CUBE[Math.floor(i / 6) % 6]},${CUBE[i % 6]})`;
}
