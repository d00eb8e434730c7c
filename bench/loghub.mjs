// Reads the labelled Loghub-2k samples and scores a grouping by Loghub's grouping accuracy (GA), for
// bench/patterns.mjs and test/e2e/patterns-accuracy.test.mjs.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The samples, beside the worktrees (they are not committed: their licence asks for evaluation use only). */
export const CORPUS_DIR = fileURLToPath(new URL("../../shared/corpora/loghub-2k/", import.meta.url));

/** @typedef {{ message: string, event: string }} LabelledLine */

/**
 * Splits one CSV record (RFC 4180 quoting; the samples have no newline inside a field).
 * @param {string} line
 * @returns {string[]}
 */
function csvFields(line) {
  /** @type {string[]} */
  const fields = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = "";
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') break;
        else value += line[i++];
      }
      fields.push(value);
      i += 2;
    } else {
      const end = line.indexOf(",", i);
      const stop = end === -1 ? line.length : end;
      fields.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return fields;
}

/**
 * The systems present, each with its lines in order; empty when the folder is absent.
 * @returns {Map<string, LabelledLine[]>}
 */
export function loadCorpora() {
  /** @type {Map<string, LabelledLine[]>} */
  const systems = new Map();
  if (!existsSync(CORPUS_DIR)) return systems;
  for (const file of readdirSync(CORPUS_DIR)
    .filter((name) => name.endsWith(".csv"))
    .sort()) {
    const [header = "", ...rows] = readFileSync(CORPUS_DIR + file, "utf8")
      .split(/\r?\n/)
      .filter(Boolean);
    const names = csvFields(header);
    const content = names.indexOf("Content");
    const event = names.indexOf("EventId");
    systems.set(
      file.replace(/\.csv$/, ""),
      rows.map((row) => {
        const fields = csvFields(row);
        return { message: fields[content] ?? "", event: fields[event] ?? "" };
      }),
    );
  }
  return systems;
}

/**
 * Loghub's GA: a line is right when the lines of its group are exactly the lines sharing its true event.
 * @param {LabelledLine[]} lines
 * @param {string[]} groups the group each line was given, in the same order
 */
export function groupingAccuracy(lines, groups) {
  /** @type {Map<string, Set<number>>} */
  const byGroup = new Map();
  /** @type {Map<string, Set<number>>} */
  const byEvent = new Map();
  lines.forEach((line, i) => {
    const group = groups[i] ?? "";
    byGroup.set(group, (byGroup.get(group) ?? new Set()).add(i));
    byEvent.set(line.event, (byEvent.get(line.event) ?? new Set()).add(i));
  });
  let right = 0;
  lines.forEach((line, i) => {
    const mine = byGroup.get(groups[i] ?? "");
    const truth = byEvent.get(line.event);
    if (mine && truth && mine.size === truth.size && [...mine].every((j) => truth.has(j))) right++;
  });
  return lines.length === 0 ? 1 : right / lines.length;
}
