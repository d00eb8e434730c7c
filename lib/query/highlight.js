// Highlights: the ranges of a message that a query's positive text and regex terms match, for the page to mark.

/** @typedef {import("re2js").RE2JS} RE2JS */
/** @typedef {import("./syntax.js").Node} Node */

/** `highlights` returns at most this many ranges. */
const MAX_HIGHLIGHTS = 1000;

/**
 * The free-text needles and regular expressions that are not negated.
 * @param {Node} node @param {boolean} negated @param {string[]} needles @param {RE2JS[]} regexes
 */
export function positiveTerms(node, negated, needles, regexes) {
  switch (node.kind) {
    case "and":
    case "or":
      for (const child of node.children) positiveTerms(child, negated, needles, regexes);
      break;
    case "not":
      positiveTerms(node.child, !negated, needles, regexes);
      break;
    case "text":
      if (!negated && !needles.includes(node.value)) needles.push(node.value);
      break;
    case "regex":
      if (!negated) regexes.push(node.re);
      break;
  }
}

/**
 * The text lower-cased, with the index in `text` of each code unit of the result (plus one past the end),
 * or null when lower-casing kept every index where it was.
 * @param {string} text
 * @returns {{ lower: string, origin: number[] | null }}
 */
function lowerWithOrigin(text) {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return { lower, origin: null };
  /** @type {number[]} */
  const origin = [];
  let built = "";
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i) ?? 0;
    const width = code > 0xffff ? 2 : 1;
    const piece = text.slice(i, i + width).toLowerCase();
    for (let k = 0; k < piece.length; k++) origin.push(i);
    built += piece;
    i += width;
  }
  origin.push(text.length);
  return { lower: built, origin };
}

/**
 * Where a range of the lower-cased text that ends at `end` ends in the original: after the whole character
 * whose lower case the range ends in.
 * @param {number[]} origin @param {number} end
 */
function originalEnd(origin, end) {
  const last = origin[end - 1];
  let j = end;
  while (j < origin.length - 1 && origin[j] === last) j++;
  return origin[j] ?? 0;
}

/** @param {Array<[number, number]>} ranges */
function mergeRanges(ranges) {
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  /** @type {Array<[number, number]>} */
  const merged = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}

/**
 * @param {string[]} needles @param {RE2JS[]} regexes
 * @returns {(text: string) => Array<[number, number]>}
 */
export function highlighter(needles, regexes) {
  return (text) => {
    /** @type {Array<[number, number]>} */
    const ranges = [];
    if (typeof text !== "string" || text === "" || (needles.length === 0 && regexes.length === 0)) return ranges;
    try {
      if (needles.length > 0) {
        const { lower, origin } = lowerWithOrigin(text);
        for (const needle of needles) {
          for (
            let i = lower.indexOf(needle);
            i >= 0 && ranges.length < MAX_HIGHLIGHTS;
            i = lower.indexOf(needle, i + needle.length)
          ) {
            const end = i + needle.length;
            ranges.push(origin === null ? [i, end] : [origin[i] ?? 0, originalEnd(origin, end)]);
          }
        }
      }
      for (const re of regexes) {
        const matcher = re.matcher(text);
        while (ranges.length < MAX_HIGHLIGHTS && matcher.find()) {
          const start = matcher.start();
          const end = matcher.end();
          if (end > start) ranges.push([start, end]);
        }
      }
    } catch {
      // Highlighting is decoration: whatever went wrong, show what was found so far.
    }
    return mergeRanges(ranges);
  };
}
