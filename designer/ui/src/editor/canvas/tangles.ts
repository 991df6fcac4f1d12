// What makes a drawing hard to read, counted: states drawn over each other, transitions whose lines run through a
// state (their labels then hide under it), and lines crossing. A flow built from the palette, its states placed by
// hand, easily has all three; the canvas compares the count with the automatic layout's for the same flow and,
// when the layout would read better, offers it (Auto-layout) instead of leaving the person to find out.
import type { Position } from "../../model/workflow";
import { BoxGrid, grown, overlaps, segmentBox, segmentCrossesBox, type Drawing } from "./drawing";

export interface Tangles {
  /** Pairs of states drawn over each other. */
  overlapping: number;
  /** Transitions whose line runs through a state other than its own two. */
  through: number;
  /** Pairs of lines that cross (lines of transitions sharing a state do not count: they meet there). */
  crossings: number;
}

export const UNTANGLED: Tangles = { overlapping: 0, through: 0, crossings: 0 };

/** A state's border may be touched, by a line or by another state. */
const SHRINK = -4;

export function tanglesOf(drawing: Drawing): Tangles {
  const nodes = new BoxGrid<string>();
  const boxes = [...drawing.boxes.entries()].map(([id, box]) => ({ id, box: grown(box, SHRINK) }));
  let overlapping = 0;
  for (const { id, box } of boxes) {
    overlapping += nodes.near(box).filter((o) => overlaps(o.box, box)).length;
    nodes.add(box, id);
  }
  let through = 0;
  for (const edge of drawing.edges) {
    const crosses = edge.points.some((b, i) => {
      const a = edge.points[i - 1];
      return a !== undefined && nodes.near(segmentBox(a, b)).some((o) => o.item !== edge.source && o.item !== edge.target && segmentCrossesBox(a, b, o.box));
    });
    if (crosses) through += 1;
  }
  return { overlapping, through, crossings: crossingsOf(drawing) };
}

interface Segment {
  edge: number;
  a: Position;
  b: Position;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Pairs of edges whose lines cross, found by sweeping across the drawing: each segment is compared only with those
 * it overlaps left to right (the canvas' lines are mostly upright or level, so that is few). */
function crossingsOf(drawing: Drawing): number {
  const segments: Segment[] = [];
  drawing.edges.forEach((edge, index) => {
    for (let i = 1; i < edge.points.length; i += 1) {
      const [a, b] = [edge.points[i - 1]!, edge.points[i]!];
      segments.push({ edge: index, a, b, left: Math.min(a.x, b.x), right: Math.max(a.x, b.x), top: Math.min(a.y, b.y), bottom: Math.max(a.y, b.y) });
    }
  });
  segments.sort((s, t) => s.left - t.left);
  const edges = drawing.edges;
  const counted = new Set<number>();
  let active: Segment[] = [];
  for (const s of segments) {
    active = active.filter((o) => o.right >= s.left);
    for (const o of active) {
      if (o.edge === s.edge || o.bottom < s.top || s.bottom < o.top) continue;
      const [one, other] = [edges[o.edge]!, edges[s.edge]!];
      if (one.source === other.source || one.source === other.target || one.target === other.source || one.target === other.target) continue;
      const key = Math.min(o.edge, s.edge) * edges.length + Math.max(o.edge, s.edge);
      if (!counted.has(key) && properlyCross(o.a, o.b, s.a, s.b)) counted.add(key);
    }
    active.push(s);
  }
  return counted.size;
}

/** Whether two segments cross at one point inside both (lines running along each other do not cross). */
function properlyCross(a: Position, b: Position, c: Position, d: Position): boolean {
  const side = (p: Position, q: Position, r: Position) => Math.sign((q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x));
  return side(a, b, c) * side(a, b, d) < 0 && side(c, d, a) * side(c, d, b) < 0;
}

/** Whether the drawing reads clearly worse than `laidOut` (the same flow as the automatic layout draws it): states
 * over each other, more lines through states, or clearly more crossings. */
export function worseThan(drawn: Tangles, laidOut: Tangles): boolean {
  return drawn.overlapping > laidOut.overlapping || drawn.through > laidOut.through || drawn.crossings > laidOut.crossings + 2;
}

const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What is wrong with a tangled drawing, in words for the canvas' bar: "2 states overlap, 3 lines run through
 * states". */
export function tangleWords({ overlapping, through, crossings }: Tangles): string {
  const parts = [
    overlapping > 0 ? `${counted(overlapping, "pair of states overlaps", "pairs of states overlap")}` : "",
    through > 0 ? `${counted(through, "line runs", "lines run")} through states` : "",
    crossings > 0 ? `${counted(crossings, "pair of lines crosses", "pairs of lines cross")}` : "",
  ].filter(Boolean);
  return `Hard to read: ${parts.join(", ")}.`;
}
