import { describe, expect, it } from "vitest";
import { overlaps } from "./canvas/drawing";
import { pasteShift } from "./pastePlace";

const box = (x: number, y: number) => ({ x, y, width: 200, height: 64 });

describe("pasteShift", () => {
  it("moves a copy off its original", () => {
    const original = box(0, 0);
    const shift = pasteShift([original], [original]);
    expect(overlaps({ ...original, x: shift.x, y: shift.y }, original)).toBe(false);
  });

  it("keeps clear of the states around the original too", () => {
    const drawn = [box(0, 0), box(0, 120), box(260, 0), box(260, 120)];
    const shift = pasteShift([drawn[0]!], drawn);
    const copy = { ...drawn[0]!, x: shift.x, y: shift.y };
    expect(drawn.some((other) => overlaps(copy, other, 20))).toBe(false);
  });

  it("shifts a selection of several as one, keeping their places to each other", () => {
    const pasted = [box(0, 0), box(0, 120)];
    const shift = pasteShift(pasted, pasted);
    for (const p of pasted) expect(pasted.some((other) => overlaps({ ...p, x: p.x + shift.x, y: p.y + shift.y }, other))).toBe(false);
  });
});
