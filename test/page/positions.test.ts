// A merged view's resume point joins what the page holds with what the server last said (page/positions.ts).
import { expect, it } from "vitest";
import { joinPositions, parsePositions } from "../../page/positions";

it("reads a:12,b:40 and leaves out what is no position", () => {
  expect([...parsePositions("a:12,team-b.x:40")]).toEqual([
    ["a", 12],
    ["team-b.x", 40],
  ]);
  expect([...parsePositions("")]).toEqual([]);
  expect([...parsePositions(undefined)]).toEqual([]);
  expect([...parsePositions(":3,b:x,c:7")]).toEqual([["c", 7]]);
});

it("keeps every stream of either at the higher id", () => {
  expect(joinPositions("a:12,b:40", "a:15,b:30,c:0")).toBe("a:15,b:40,c:0");
  expect(joinPositions("", "a:3")).toBe("a:3");
  expect(joinPositions("a:3", undefined)).toBe("a:3");
});
