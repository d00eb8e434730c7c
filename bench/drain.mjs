// The anchor for bench/patterns.mjs: Drain as its paper describes it (He et al., "Drain: An Online Log
// Parsing Approach with Fixed Depth Tree", ICWS 2017) with Drain3's default settings (depth 4, similarity
// 0.4, 100 children, numeric tokens parametrised, no masking). Written here from the description, not copied.

const WILDCARD = "<*>";
const PREFIX = 2; // depth 4 = root + length layer + 2 token layers
const SIMILARITY = 0.4;
const MAX_CHILDREN = 100;

/** @typedef {{ tokens: string[], id: number }} Cluster */
/** @typedef {{ children: Map<string, Node>, clusters: Cluster[] }} Node */

/** @returns {Node} */
const node = () => ({ children: new Map(), clusters: [] });

/** A Drain parser: `add(message)` returns the id of the message's cluster. */
export function drain() {
  /** @type {Map<number, Node>} */
  const byLength = new Map();
  let next = 0;

  /** @param {string[]} tokens @param {boolean} create */
  function leaf(tokens, create) {
    let current = byLength.get(tokens.length);
    if (!current) {
      if (!create) return undefined;
      current = node();
      byLength.set(tokens.length, current);
    }
    for (let depth = 0; depth < Math.min(PREFIX, tokens.length); depth++) {
      const token = tokens[depth] ?? "";
      const numeric = /\d/.test(token);
      /** @type {Node | undefined} */
      let child = numeric ? current.children.get(WILDCARD) : current.children.get(token);
      if (!child && !create) child = current.children.get(WILDCARD);
      if (!child) {
        if (!create) return undefined;
        // A full node sends further new tokens down its <*> child.
        /** @type {string} */
        const key = numeric || current.children.size >= MAX_CHILDREN - 1 ? WILDCARD : token;
        child = current.children.get(key) ?? node();
        current.children.set(key, child);
      }
      current = child;
    }
    return current;
  }

  /** @param {string} message */
  return function add(message) {
    const tokens = message.trim().split(/\s+/).filter(Boolean);
    const target = leaf(tokens, false);
    /** @type {Cluster | undefined} */
    let best;
    let bestSim = -1;
    let bestParams = -1;
    for (const cluster of target?.clusters ?? []) {
      let same = 0;
      let params = 0;
      cluster.tokens.forEach((t, i) => {
        if (t === WILDCARD) params++;
        else if (t === tokens[i]) same++;
      });
      const sim = tokens.length ? same / tokens.length : 1;
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        best = cluster;
        bestSim = sim;
        bestParams = params;
      }
    }
    if (best && bestSim >= SIMILARITY) {
      best.tokens = best.tokens.map((t, i) => (t === tokens[i] ? t : WILDCARD));
      return best.id;
    }
    const cluster = { tokens, id: next++ };
    leaf(tokens, true)?.clusters.push(cluster);
    return cluster.id;
  };
}
