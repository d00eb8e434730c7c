// Text into the DOM as text nodes only: styled ANSI runs, with the ranges a search found wrapped in <mark> and a
// message's own level word coloured as its level.
import { element } from "../dom";
import type { Run } from "./ansi";

export type Highlighter = (text: string) => Array<[number, number]>;

/** A range of the text and the element that wraps it. */
type Range = [start: number, end: number, wrap: (text: string) => HTMLElement];

const mark = (text: string) => element("mark", "", text);

/**
 * Appends styled runs to `parent`, wrapping the ranges the search found in <mark>; `level`, the range of the
 * message's own level word, is coloured unless a search range covers it. Returns whether anything was marked.
 */
export function appendRuns(
  parent: HTMLElement,
  runs: Run[],
  highlights: Highlighter | null,
  level?: { start: number; end: number; level: string },
): boolean {
  const plain = runs.length === 1 ? (runs[0] as Run).text : runs.map((run) => run.text).join("");
  const ranges: Range[] = highlights === null ? [] : highlights(plain).map(([start, end]) => [start, end, mark]);
  const marked = ranges.length > 0;
  if (level && !ranges.some(([start, end]) => start < level.end && end > level.start)) {
    const word = (text: string) => {
      const span = element("span", "lvl", text);
      span.dataset.level = level.level;
      return span;
    };
    ranges.push([level.start, level.end, word]);
    ranges.sort((a, b) => a[0] - b[0]);
  }
  let offset = 0;
  let r = 0;
  for (const run of runs) {
    const target = styled(run);
    const end = offset + run.text.length;
    let at = offset;
    while (at < end) {
      while (r < ranges.length && (ranges[r] as Range)[1] <= at) r++;
      const range = ranges[r];
      if (range === undefined || range[0] >= end) {
        target.append(run.text.slice(at - offset));
        at = end;
      } else if (range[0] > at) {
        target.append(run.text.slice(at - offset, range[0] - offset));
        at = range[0];
      } else {
        const stop = Math.min(range[1], end);
        target.append(range[2](run.text.slice(at - offset, stop - offset)));
        at = stop;
      }
    }
    if (target !== parent && target.childNodes.length > 0) parent.append(target);
    offset = end;
  }
  return marked;

  function styled(run: Run): HTMLElement {
    if (run.classes.length === 0 && run.color === undefined && run.background === undefined) return parent;
    const span = element("span", run.classes.join(" "));
    if (run.color !== undefined) span.style.color = run.color;
    if (run.background !== undefined) span.style.backgroundColor = run.background;
    return span;
  }
}
