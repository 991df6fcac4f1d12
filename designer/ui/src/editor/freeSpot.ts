// Where a state added with the palette (by click or keyboard) goes: the free place nearest the middle of
// the view, so new states never pile up on each other.
import type { Position, Workflow } from "../model/workflow";
import { statePositions } from "./canvasGraph";
import { stateBox } from "./stateBox";
import { LOOKS, type Look } from "./stateStyle";

const COLUMN = 240;
const ROW = 130;
const GAP = 16;

/** Grid cells around the centre, nearest first; below and right win ties (flows read down and across). */
const CELLS: [number, number][] = (() => {
  const cells: [number, number][] = [];
  for (let r = -3; r <= 6; r += 1) for (let c = -4; c <= 4; c += 1) cells.push([c, r]);
  return cells.sort(([c1, r1], [c2, r2]) => Math.hypot(c1 * COLUMN, r1 * ROW) - Math.hypot(c2 * COLUMN, r2 * ROW) || r2 - r1 || c2 - c1);
})();

export function freeSpot(workflow: Workflow, centre: Position, look: Look, suggested: Readonly<Record<string, Position>> = {}): Position {
  const size = LOOKS[look];
  const boxes = [...statePositions(workflow, suggested).entries()].map(([id, p]) => {
    const other = stateBox(workflow.states[id], id);
    return { x: p.x, y: p.y, w: other.width, h: other.height };
  });
  const free = (x: number, y: number) =>
    boxes.every((b) => x + size.width + GAP <= b.x || b.x + b.w + GAP <= x || y + size.height + GAP <= b.y || b.y + b.h + GAP <= y);
  const x0 = centre.x - size.width / 2;
  const y0 = centre.y - size.height / 2;
  for (const [c, r] of CELLS) {
    const x = x0 + c * COLUMN;
    const y = y0 + r * ROW;
    if (free(x, y)) return { x: Math.round(x), y: Math.round(y) };
  }
  return { x: Math.round(x0 + 40), y: Math.round(y0 + 40) };
}
