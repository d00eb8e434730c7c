// When a rule fires: every match, N matches within T seconds, or a new pattern's first line; never again within
// its cooldown.
import type { AlertRule } from "./rule";

/** A rule's trigger state, kept in SQLite so a window and a cooldown outlive the object's restarts. */
export interface TriggerState {
  /** Commit times (epoch ms) of the matches counted towards `when.count`, oldest first. */
  window: number[];
  /** No firing before this time (epoch ms). */
  coolUntil: number;
}

export const IDLE: TriggerState = { window: [], coolUntil: 0 };

/**
 * Which of one commit's matches fire the rule. Matches are timed by their commit (`now`): an entry's own
 * time is the client's and may be anything. A match during the cooldown is not counted; a firing empties
 * the window, so the next one needs `count` fresh matches.
 */
export function trigger(
  rule: Pick<AlertRule, "when" | "cooldownSeconds">,
  state: TriggerState,
  matches: number,
  now: number,
): { fired: number[]; state: TriggerState } {
  // A new-pattern rule fires on each match it is given: the caller keeps only first lines of new patterns.
  const { count, seconds } = "newPattern" in rule.when ? { count: 1, seconds: 0 } : rule.when;
  const fired: number[] = [];
  let window = state.window.filter((at) => at > now - seconds * 1000);
  let coolUntil = state.coolUntil;
  for (let i = 0; i < matches; i++) {
    if (now < coolUntil) break;
    window.push(now);
    if (window.length < count) continue;
    fired.push(i);
    window = [];
    coolUntil = now + rule.cooldownSeconds * 1000;
  }
  return { fired, state: { window, coolUntil } };
}
