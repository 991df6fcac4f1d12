// Where a pasted selection goes: shifted as a whole (so the copies keep their places to each other) to the nearest
// free space beside where they were copied from — clear of every state drawn, the originals included. A fixed
// shift of 40 px used to put a copy on top of its original (a state is some 200 px wide), which the canvas then
// said was hard to read.
import type { Position } from "../model/workflow";
import { overlaps, type Box } from "./canvas/drawing";

/** Room kept between a pasted state and any other. */
const ROOM = 24;
/** The shifts tried, in steps of this many pixels, up to this many steps each way. */
const STEP = 40;
const REACH = 40;

/**
 * The shift to give the pasted boxes (`pasted`: where they would be unshifted) so none of them comes near a box of
 * `drawn`: the smallest such shift, down and to the right before up and to the left; (40, 40) when none is free.
 */
export function pasteShift(pasted: readonly Box[], drawn: Iterable<Box>): Position {
  const others = [...drawn];
  const free = (dx: number, dy: number) =>
    pasted.every((box) => others.every((other) => !overlaps({ ...box, x: box.x + dx, y: box.y + dy }, other, ROOM)));
  const shifts: Position[] = [];
  for (let i = -REACH; i <= REACH; i += 1) for (let j = -REACH; j <= REACH; j += 1) if (i !== 0 || j !== 0) shifts.push({ x: i * STEP, y: j * STEP });
  // Nearest first; of two as near, the one down and right (where a copy is looked for).
  const cost = (s: Position) => Math.hypot(s.x, s.y) + (s.x < 0 ? 1 : 0) + (s.y < 0 ? 2 : 0);
  shifts.sort((a, b) => cost(a) - cost(b));
  return shifts.find((s) => free(s.x, s.y)) ?? { x: STEP, y: STEP };
}
