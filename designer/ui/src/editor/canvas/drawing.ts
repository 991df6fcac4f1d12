// The canvas' drawing as geometry, in flow coordinates: each node's box, and each transition's line and label as
// edgeShape.ts draws them between the handle points a node's box gives. What the canvas keeps labels apart with
// (edgeLabels.ts), finds a tangled drawing with (tangles.ts), and places a new state clear of (freeSpot.ts).
import type { Position } from "../../model/workflow";
import type { EdgeRoute } from "../elkLayout";
import type { Direction } from "../layoutDirection";
import { edgeShape } from "./edgeShape";

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/** One transition (one of its sources) as the canvas knows it before drawing it. */
export interface EdgeInput {
  id: string;
  source: string;
  target: string;
  route?: EdgeRoute | undefined;
  siblingIndex: number;
  siblingCount: number;
  reversed: boolean;
  /** Its label's size on the canvas (edgeLabels.ts), null when it has none. */
  label: Size | null;
}

export interface DrawnEdge {
  id: string;
  source: string;
  target: string;
  points: Position[];
  /** The label's centre before labels are kept apart, and its size. */
  label: Position;
  labelSize: Size | null;
}

export interface Drawing {
  direction: Direction;
  boxes: ReadonlyMap<string, Box>;
  edges: readonly DrawnEdge[];
}

/** How far outside its state's border React Flow puts a handle's point (half the 15 px handle, styles.css). */
const HANDLE_OUT = 7.5;

/** Where a transition leaves a state (its exit handle) and enters one (its entry handle), on the layout's axis. */
export function handlePoints(box: Box, direction: Direction): { exit: Position; entry: Position } {
  return direction === "TB"
    ? { exit: { x: box.x + box.width / 2, y: box.y + box.height + HANDLE_OUT }, entry: { x: box.x + box.width / 2, y: box.y - HANDLE_OUT } }
    : { exit: { x: box.x + box.width + HANDLE_OUT, y: box.y + box.height / 2 }, entry: { x: box.x - HANDLE_OUT, y: box.y + box.height / 2 } };
}

export function drawingOf(boxes: ReadonlyMap<string, Box>, edges: readonly EdgeInput[], direction: Direction): Drawing {
  const drawn: DrawnEdge[] = [];
  for (const e of edges) {
    const from = boxes.get(e.source);
    const to = boxes.get(e.target);
    if (!from || !to) continue;
    const shape = edgeShape({
      source: handlePoints(from, direction).exit,
      target: handlePoints(to, direction).entry,
      sourceSide: direction === "TB" ? "bottom" : "right",
      loop: e.source === e.target,
      route: e.route,
      siblingIndex: e.siblingIndex,
      siblingCount: e.siblingCount,
      reversed: e.reversed,
    });
    drawn.push({ id: e.id, source: e.source, target: e.target, points: shape.points, label: shape.label, labelSize: e.label });
  }
  return { direction, boxes, edges: drawn };
}

/** Whether two drawings have the same boxes and lines (a drawing made again after an edit that moved nothing). */
export function sameDrawing(a: Drawing, b: Drawing): boolean {
  if (a.direction !== b.direction || a.boxes.size !== b.boxes.size || a.edges.length !== b.edges.length) return false;
  for (const [id, box] of a.boxes) {
    const other = b.boxes.get(id);
    if (!other || other.x !== box.x || other.y !== box.y || other.width !== box.width || other.height !== box.height) return false;
  }
  return a.edges.every((e, i) => {
    const f = b.edges[i]!;
    const sameLabel = e.labelSize === f.labelSize || (e.labelSize && f.labelSize && e.labelSize.width === f.labelSize.width && e.labelSize.height === f.labelSize.height);
    return e.id === f.id && e.source === f.source && e.target === f.target && sameLabel && e.points.length === f.points.length && e.points.every((p, j) => p.x === f.points[j]!.x && p.y === f.points[j]!.y);
  });
}

export function overlaps(a: Box, b: Box, gap = 0): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

/** The area two boxes share (0 when apart). */
export function sharedArea(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

export function grown(box: Box, by: number): Box {
  return { x: box.x - by, y: box.y - by, width: box.width + 2 * by, height: box.height + 2 * by };
}

/** Whether the segment a–b passes through the box (touching its edge does not count). */
export function segmentCrossesBox(a: Position, b: Position, box: Box): boolean {
  // Liang–Barsky clipping: the part of the segment inside the box, if any.
  let t0 = 0;
  let t1 = 1;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const edges: [number, number][] = [
    [-dx, a.x - box.x],
    [dx, box.x + box.width - a.x],
    [-dy, a.y - box.y],
    [dy, box.y + box.height - a.y],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q <= 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 >= t1) return false;
  }
  return true;
}

/** A grid of boxes, to find those near a place without looking at all of them (a 300-state flow). */
export class BoxGrid<T> {
  private cells = new Map<number, GridEntry<T>[]>();
  private visit = 0;

  constructor(private readonly cell = 160) {}

  add(box: Box, item: T): void {
    const entry: GridEntry<T> = { box, item, seen: 0 };
    this.eachCell(box, (key) => {
      const list = this.cells.get(key);
      if (list) list.push(entry);
      else this.cells.set(key, [entry]);
    });
  }

  /** The entries whose cells the box touches (each once; the caller checks the boxes themselves). */
  near(box: Box): readonly GridEntry<T>[] {
    const visit = (this.visit += 1);
    const found: GridEntry<T>[] = [];
    this.eachCell(box, (key) => {
      for (const entry of this.cells.get(key) ?? []) {
        if (entry.seen === visit) continue;
        entry.seen = visit;
        found.push(entry);
      }
    });
    return found;
  }

  private eachCell(box: Box, visit: (key: number) => void): void {
    const [x0, x1] = [Math.floor(box.x / this.cell), Math.floor((box.x + box.width) / this.cell)];
    const [y0, y1] = [Math.floor(box.y / this.cell), Math.floor((box.y + box.height) / this.cell)];
    // Cells numbered row by row (a drawing is far less than 2^20 cells across).
    for (let x = x0; x <= x1; x += 1) for (let y = y0; y <= y1; y += 1) visit(y * 1_048_576 + x);
  }
}

export interface GridEntry<T> {
  box: Box;
  item: T;
  /** The last look that found it (so a look finds it once, however many cells it spans). */
  seen: number;
}

/** The box around a segment. */
export function segmentBox(a: Position, b: Position): Box {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(b.x - a.x), height: Math.abs(b.y - a.y) };
}

/** The box holding the whole drawing: every state, and every line and label — a label drawn beside the states (a
 * guard on a line routed round the flow's left side) is part of what a fit must show clear of the zoom buttons.
 * `labelsAt`: labels moved off their lines' middles (edgeLabels.ts), by edge id. */
export function drawingBounds(drawing: Drawing, labelsAt: ReadonlyMap<string, Position> = new Map()): Box | null {
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  const take = (x: number, y: number, width = 0, height = 0) => {
    left = Math.min(left, x);
    top = Math.min(top, y);
    right = Math.max(right, x + width);
    bottom = Math.max(bottom, y + height);
  };
  for (const box of drawing.boxes.values()) take(box.x, box.y, box.width, box.height);
  for (const edge of drawing.edges) {
    for (const p of edge.points) take(p.x, p.y);
    if (edge.labelSize) {
      const at = labelsAt.get(edge.id) ?? edge.label;
      take(at.x - edge.labelSize.width / 2, at.y - edge.labelSize.height / 2, edge.labelSize.width, edge.labelSize.height);
    }
  }
  return left === Infinity ? null : { x: left, y: top, width: right - left, height: bottom - top };
}
