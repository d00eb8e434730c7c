import { describe, expect, it } from "vitest";
import { IDLE, trigger } from "../../src/alerts/condition";

const every = (cooldownSeconds: number) => ({ when: { count: 1, seconds: 0 }, cooldownSeconds });

describe("trigger", () => {
  it("fires on every match without a cooldown, each match of a commit included", () => {
    expect(trigger(every(0), IDLE, 3, 1000).fired).toEqual([0, 1, 2]);
  });

  it("fires once per cooldown, and not on matches during it", () => {
    const first = trigger(every(60), IDLE, 3, 1000);
    expect(first.fired).toEqual([0]);
    expect(first.state.coolUntil).toBe(61_000);
    expect(trigger(every(60), first.state, 2, 60_999).fired).toEqual([]);
    expect(trigger(every(60), first.state, 2, 61_000).fired).toEqual([0]);
  });

  it("fires at the Nth match within T seconds, then counts afresh", () => {
    const rule = { when: { count: 3, seconds: 10 }, cooldownSeconds: 0 };
    let { fired, state } = trigger(rule, IDLE, 2, 0);
    expect(fired).toEqual([]);
    ({ fired, state } = trigger(rule, state, 1, 9_999));
    expect(fired).toEqual([0]);
    expect(state.window).toEqual([]);
    ({ fired, state } = trigger(rule, state, 5, 20_000));
    expect(fired).toEqual([2]);
    expect(state.window).toEqual([20_000, 20_000]);
  });

  it("forgets matches older than the window", () => {
    const rule = { when: { count: 3, seconds: 10 }, cooldownSeconds: 0 };
    const { state } = trigger(rule, IDLE, 2, 0);
    const later = trigger(rule, state, 1, 10_000);
    expect(later.fired).toEqual([]);
    expect(later.state.window).toEqual([10_000]);
  });

  it("applies the cooldown after an N-in-T firing", () => {
    const rule = { when: { count: 2, seconds: 10 }, cooldownSeconds: 30 };
    const first = trigger(rule, IDLE, 4, 0);
    expect(first.fired).toEqual([1]);
    expect(first.state).toEqual({ window: [], coolUntil: 30_000 });
    expect(trigger(rule, first.state, 5, 29_000).fired).toEqual([]);
    expect(trigger(rule, first.state, 2, 30_000).fired).toEqual([1]);
  });
});
