// Where a state added with the palette (by click or keyboard) goes. After the state selected (or the state the
// selected transition leads to), the next step of the flow: below it in a top-down drawing, right of it in a
// left-right one, beside the states already there when that place is taken; with nothing selected, near the middle
// of the view. Always in free space: clear of every state, of the transitions' lines and of their labels, so a
// flow built from the palette stays readable without Auto-layout (states dropped next to the selected one used
// to land on other states' transitions, their labels hidden under them). A label is avoided where the canvas
// draws it: in its line's middle, or where it was moved along its line to keep clear of others (edgeLabels.ts).
import type { Position } from "../model/workflow";
import type { Box, Drawing, Size } from "./canvas/drawing";
import { grown, overlaps, segmentCrossesBox } from "./canvas/drawing";
import { placeLabels, type LabelPlace } from "./canvas/edgeLabels";

/** Room between the new state and the one before it along the flow (a transition's label fits between). */
const ALONG_GAP = 64;
/** Room between states side by side. */
const ACROSS_GAP = 48;
/** Room kept round the new state: from other states, and from lines and labels. */
const NODE_ROOM = 20;
const LINE_ROOM = 8;
const ROWS = 8;
const COLUMNS = 5;

export interface SpotWish {
  /** The state the new one follows (its box), when one is selected. */
  after?: Box | null;
  /** The middle of the view, for a state that follows none. */
  centre: Position;
}

/** `places`: the labels the canvas moved off their lines' middles (placeLabels), by edge id. */
export function freeSpot(drawing: Drawing, size: Size, { after, centre }: SpotWish, places: ReadonlyMap<string, LabelPlace> = placeLabels(drawing)): Position {
  const across = drawing.direction === "LR";
  // Worked out top-down; a left-right drawing swaps the axes at the end.
  const flip = (p: Position): Position => (across ? { x: p.y, y: p.x } : p);
  const flipBox = (b: Box): Box => (across ? { x: b.y, y: b.x, width: b.height, height: b.width } : b);
  const own = flipBox({ x: 0, y: 0, ...size });
  const rowStep = own.height + ALONG_GAP;
  const columnStep = own.width + ACROSS_GAP;
  const candidates: { at: Position; rank: number }[] = [];
  if (after) {
    const anchor = flipBox(after);
    const x0 = anchor.x + anchor.width / 2 - own.width / 2;
    const y0 = anchor.y + anchor.height + ALONG_GAP;
    for (let r = 0; r < ROWS; r += 1) {
      for (let c = -COLUMNS; c <= COLUMNS; c += 1) candidates.push({ at: { x: x0 + c * columnStep, y: y0 + r * rowStep }, rank: r + 0.55 * Math.abs(c) - (c > 0 ? 0.01 : 0) });
    }
  } else {
    const middle = flip(centre);
    const x0 = middle.x - own.width / 2;
    const y0 = middle.y - own.height / 2;
    for (let r = -3; r <= ROWS - 2; r += 1) {
      for (let c = -COLUMNS; c <= COLUMNS; c += 1) candidates.push({ at: { x: x0 + c * columnStep, y: y0 + r * rowStep }, rank: Math.hypot(c * columnStep, r * rowStep) - (r > 0 ? 1 : 0) - (c > 0 ? 0.5 : 0) });
    }
  }
  candidates.sort((a, b) => a.rank - b.rank);
  const boxes = [...drawing.boxes.values()].map(flipBox);
  const lines = drawing.edges.map((e) => e.points.map(flip));
  const labels = drawing.edges.flatMap((e) => {
    if (!e.labelSize) return [];
    const at = places.get(e.id)?.at ?? e.label;
    return [flipBox({ x: at.x - e.labelSize.width / 2, y: at.y - e.labelSize.height / 2, ...e.labelSize })];
  });
  const placeAt = (at: Position): Box => ({ ...own, x: at.x, y: at.y });
  const clearOfStates = (box: Box) => boxes.every((b) => !overlaps(grown(box, NODE_ROOM), b));
  const clearOfLines = (box: Box) => {
    const room = grown(box, LINE_ROOM);
    return labels.every((l) => !overlaps(room, l)) && lines.every((line) => line.every((p, i) => i === 0 || !segmentCrossesBox(line[i - 1]!, p, room)));
  };
  const roomy = candidates.find(({ at }) => clearOfStates(placeAt(at)) && clearOfLines(placeAt(at)));
  const spot = roomy ?? candidates.find(({ at }) => clearOfStates(placeAt(at)));
  if (spot) return rounded(flip(spot.at));
  // Nothing free near: past everything, along the flow.
  const end = Math.max(0, ...boxes.map((b) => b.y + b.height));
  const x = after ? flipBox(after).x : candidates[0]!.at.x;
  return rounded(flip({ x, y: end + ALONG_GAP }));
}

function rounded(p: Position): Position {
  return { x: Math.round(p.x), y: Math.round(p.y) };
}
