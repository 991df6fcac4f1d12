// The line of one transition, as the canvas draws it, and where its label sits on it by default: along the
// layout's orthogonal route while both its states stay where the layout put them; otherwise in right-angled steps
// between the handles, a pair of states joined by several transitions fanned apart, a transition back to the
// state it leaves drawn as a loop. One function for the edge that draws it (with React Flow's handle points) and
// for the canvas that keeps labels apart and new states clear of lines (with the handle points a state's box
// gives, see drawing.ts): both see the same line.
import type { Position } from "../../model/workflow";
import type { EdgeRoute } from "../elkLayout";

/** The side of its state a transition leaves from (React Flow's handle positions). */
export type Side = "top" | "right" | "bottom" | "left";

export interface EdgeShape {
  /** The SVG path drawn. */
  path: string;
  /** The line as a polyline (a curve sampled), for geometry. */
  points: Position[];
  /** The label's centre, before labels are kept apart (edgeLabels.ts). */
  label: Position;
}

export interface EdgeShapeInput {
  source: Position;
  target: Position;
  sourceSide: Side;
  /** Leaves and enters the same state. */
  loop: boolean;
  route?: EdgeRoute | undefined;
  /** Where this edge sits among the edges joining the same two states, and whether it runs against the
   * pair's canonical direction (so fanning uses the same side). */
  siblingIndex: number;
  siblingCount: number;
  reversed: boolean;
}

const FAN_SPACING = 46;
/** How far (px) the handle may sit from the route's end (the handle is drawn just outside the border). */
const SNAP = 10;
const CORNER = 8;
const CURVE_SAMPLES = 12;

export function edgeShape(input: EdgeShapeInput): EdgeShape {
  const routed = input.route && snapped(input.route, input.source, input.target);
  if (routed) return routed;
  if (input.loop) return selfLoop(input.source, input.target);
  return fanned(input);
}

function fanned({ source: s, target: t, sourceSide, siblingIndex, siblingCount, reversed }: EdgeShapeInput): EdgeShape {
  const offset = (siblingIndex - (siblingCount - 1) / 2) * FAN_SPACING * (reversed ? -1 : 1);
  if (offset === 0 && !backwards(s, t, sourceSide)) return stepped(s, t, sourceSide);
  // A curve through a point pushed sideways from the middle: through (mx, my) at t = 1/2.
  const dx = t.x - s.x;
  const dy = t.y - s.y;
  const length = Math.hypot(dx, dy) || 1;
  const push = offset !== 0 ? offset : Math.min(120, 40 + length / 6);
  const middle = { x: (s.x + t.x) / 2 + (-dy / length) * push, y: (s.y + t.y) / 2 + (dx / length) * push };
  const control = { x: 2 * middle.x - (s.x + t.x) / 2, y: 2 * middle.y - (s.y + t.y) / 2 };
  const points = sampled((u) => quadratic(s, control, t, u));
  return { path: `M ${s.x},${s.y} Q ${control.x},${control.y} ${t.x},${t.y}`, points, label: middle };
}

/** Down (or across) to halfway, over, and on to the target: the label in the middle of the crossing leg. */
function stepped(s: Position, t: Position, sourceSide: Side): EdgeShape {
  const across = sourceSide === "right" || sourceSide === "left";
  const half = across ? (s.x + t.x) / 2 : (s.y + t.y) / 2;
  const corners = across ? [{ x: half, y: s.y }, { x: half, y: t.y }] : [{ x: s.x, y: half }, { x: t.x, y: half }];
  const points = withoutStraightPoints([s, ...corners, t]);
  return { path: roundedPath(points), points, label: { x: (corners[0]!.x + corners[1]!.x) / 2, y: (corners[0]!.y + corners[1]!.y) / 2 } };
}

/** An edge leaving a node's exit for a node behind it would cut through both: bend it aside. */
function backwards(s: Position, t: Position, side: Side): boolean {
  return side === "right" ? t.x < s.x - 20 : t.y < s.y - 20;
}

/** The route with its ends moved onto the handles (keeping its first and last legs straight), or null
 * when a handle is too far from where the route was laid — its state has been moved. */
function snapped(route: EdgeRoute, source: Position, target: Position): EdgeShape | null {
  const points = route.points.map((p) => ({ ...p }));
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || points.length < 2) return null;
  if (Math.hypot(first.x - source.x, first.y - source.y) > SNAP || Math.hypot(last.x - target.x, last.y - target.y) > SNAP) return null;
  const move = (end: Position, next: Position | undefined, to: Position) => {
    if (next && next !== end && points.length > 2) {
      if (next.x === end.x) next.x = to.x;
      if (next.y === end.y) next.y = to.y;
    }
    end.x = to.x;
    end.y = to.y;
  };
  move(first, points[1], source);
  move(last, points[points.length - 2], target);
  const middle = points[Math.floor((points.length - 1) / 2)]!;
  const after = points[Math.floor((points.length - 1) / 2) + 1] ?? middle;
  const label = route.label ?? { x: (middle.x + after.x) / 2, y: (middle.y + after.y) / 2 };
  return { path: roundedPath(points), points, label };
}

/** A polyline with its corners rounded. */
function roundedPath(points: Position[]): string {
  let d = `M ${points[0]!.x},${points[0]!.y}`;
  for (let i = 1; i < points.length - 1; i += 1) {
    const [a, b, c] = [points[i - 1]!, points[i]!, points[i + 1]!];
    const r = Math.min(CORNER, Math.hypot(b.x - a.x, b.y - a.y) / 2, Math.hypot(c.x - b.x, c.y - b.y) / 2);
    const towards = (from: Position, to: Position) => {
      const length = Math.hypot(to.x - from.x, to.y - from.y) || 1;
      return { x: from.x + ((to.x - from.x) / length) * r, y: from.y + ((to.y - from.y) / length) * r };
    };
    const p1 = towards(b, a);
    const p2 = towards(b, c);
    d += ` L ${p1.x},${p1.y} Q ${b.x},${b.y} ${p2.x},${p2.y}`;
  }
  const end = points[points.length - 1]!;
  return `${d} L ${end.x},${end.y}`;
}

/** Points where the line goes straight on (or does not move) say nothing: dropped, so corners stay round. */
function withoutStraightPoints(points: Position[]): Position[] {
  const kept: Position[] = [];
  for (const p of points) {
    const a = kept[kept.length - 2];
    const b = kept[kept.length - 1];
    if (b && b.x === p.x && b.y === p.y) continue;
    if (a && b && ((a.x === b.x && b.x === p.x) || (a.y === b.y && b.y === p.y))) kept.pop();
    kept.push(p);
  }
  return kept;
}

function selfLoop(s: Position, t: Position): EdgeShape {
  const right = Math.max(s.x, t.x) + 110;
  const mid = { x: right, y: (s.y + t.y) / 2 };
  const c1 = { x: s.x + 40, y: s.y + 70 };
  const c2 = { x: right, y: s.y + 40 };
  // The second curve's first control point mirrors c2 about the middle (the path's "S").
  const c3 = { x: 2 * mid.x - c2.x, y: 2 * mid.y - c2.y };
  const c4 = { x: t.x + 40, y: t.y - 70 };
  const points = [...sampled((u) => cubic(s, c1, c2, mid, u)), ...sampled((u) => cubic(mid, c3, c4, t, u)).slice(1)];
  const path = `M ${s.x},${s.y} C ${c1.x},${c1.y} ${c2.x},${c2.y} ${mid.x},${mid.y} S ${c4.x},${c4.y} ${t.x},${t.y}`;
  return { path, points, label: mid };
}

function sampled(at: (u: number) => Position): Position[] {
  return Array.from({ length: CURVE_SAMPLES + 1 }, (_, i) => at(i / CURVE_SAMPLES));
}

function quadratic(a: Position, c: Position, b: Position, u: number): Position {
  const v = 1 - u;
  return { x: v * v * a.x + 2 * v * u * c.x + u * u * b.x, y: v * v * a.y + 2 * v * u * c.y + u * u * b.y };
}

function cubic(a: Position, c1: Position, c2: Position, b: Position, u: number): Position {
  const v = 1 - u;
  const [w0, w1, w2, w3] = [v * v * v, 3 * v * v * u, 3 * v * u * u, u * u * u];
  return { x: w0 * a.x + w1 * c1.x + w2 * c2.x + w3 * b.x, y: w0 * a.y + w1 * c1.y + w2 * c2.y + w3 * b.y };
}
