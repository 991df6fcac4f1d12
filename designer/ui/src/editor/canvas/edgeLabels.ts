// Transition labels kept apart. A label sits on its line (the layout's or the canvas' own, edgeShape.ts), by
// default in its middle; two labels of the transitions leaving one choice ended up side by side on lines a few
// pixels apart and covered each other (`[context.amount >= 1000] p1` over `[… >= 50000] p2`), and a label could
// sit under a state. Here each label that would cover another label or a state slides along its own line to the
// nearest place where it covers neither (or, with no such place — a line drawn through states — where it covers
// least).
import type { ReactFlowState } from "@xyflow/react";
import { createContext } from "react";
import type { Position, Transition } from "../../model/workflow";
import { BoxGrid, grown, sharedArea, type Box, type Drawing, type DrawnEdge, type Size } from "./drawing";

/** Where a label goes: `at`, for the label that would be at `from` (the edge checks it still is: its line has not
 * moved since, as while a state is dragged). */
export interface LabelPlace {
  from: Position;
  at: Position;
}

/** Below this zoom labels are unreadable anyway: they are left out (but for a selected or marked transition's),
 * which keeps large flows fast. */
export const LABEL_MIN_ZOOM = 0.4;
export const labelsReadable = (s: ReactFlowState) => s.transform[2] >= LABEL_MIN_ZOOM;

/** The places of the labels that had to move, by canvas edge id. */
export const LabelPlaces = createContext<ReadonlyMap<string, LabelPlace>>(new Map());

// The label's look (styles.css, .transition-label): 11 px text, 1 px border, 6 px padding a side, 4 px between
// its parts. It is as wide as its parts: its trigger, error kinds and priority are always shown whole (a label cut
// to 240 px showed "error (unavailable | rate_limited) p" for "… p1"); only a guard is cut, to GUARD_MOST_WIDTH
// (guardTexts.ts shortens it to about that already).
const FONT = 'Helvetica, Arial, "DejaVu Sans", sans-serif';
const MONO = '"DejaVu Sans Mono", monospace';
const FRAME = 2 * 6 + 2;
const PART_GAP = 4;
/** The most a guard takes on a label (px): styles.css, .transition-label .guard. */
export const GUARD_MOST_WIDTH = 220;
const HEIGHT = 17;
/** Room kept free round a label, and between a label and a state. */
const LABEL_GAP = 3;
const NODE_GAP = 4;
/** How far apart the places a label tries along its line are (px), and how many it tries each way from the middle. */
const STEP = 6;
const TRIES = 80;

let measurer: CanvasRenderingContext2D | null | undefined;
const widths = new Map<string, number>();

function textWidth(text: string, font: string): number {
  const key = `${font}\u0000${text}`;
  let known = widths.get(key);
  if (known !== undefined) return known;
  if (measurer === undefined) measurer = typeof document === "undefined" ? null : document.createElement("canvas").getContext("2d");
  if (measurer) {
    measurer.font = font;
    known = measurer.measureText(text).width;
  } else known = text.length * 6.6;
  if (widths.size > 20_000) widths.clear();
  widths.set(key, known);
  return known;
}

/** The size of a transition's label as TransitionEdgeView draws it, with its guard as shown (`guard`). */
export function labelSize(transition: Transition, guard: string | undefined): Size {
  const parts: number[] = [];
  if (transition.trigger) parts.push(textWidth(transition.trigger, `600 11px ${FONT}`));
  if (Array.isArray(transition.errors) && transition.errors.length) parts.push(textWidth(`(${transition.errors.join(" | ")})`, `11px ${MONO}`));
  if (transition.guard) parts.push(Math.min(GUARD_MOST_WIDTH, textWidth(`[${guard ?? transition.guard}]`, `11px ${MONO}`)));
  if (!transition.trigger && !transition.guard) parts.push(textWidth("auto", `italic 11px ${FONT}`));
  if (transition.priority) parts.push(textWidth(`p${transition.priority}`, `11px ${FONT}`));
  const width = parts.reduce((a, b) => a + b, 0) + PART_GAP * (parts.length - 1) + FRAME;
  return { width: Math.ceil(width), height: HEIGHT };
}

function boxAt(centre: Position, size: Size): Box {
  return { x: centre.x - size.width / 2, y: centre.y - size.height / 2, width: size.width, height: size.height };
}

/** Where each label goes that cannot stay in its line's middle, by edge id. The labels on the shortest lines, which
 * have the least room to move, are placed first; a label on a longer line then finds its place round them. */
export function placeLabels(drawing: Drawing): Map<string, LabelPlace> {
  const obstacles = new BoxGrid<"node" | "label">();
  for (const box of drawing.boxes.values()) obstacles.add(grown(box, NODE_GAP), "node");
  const labelled = drawing.edges
    .filter((e): e is DrawnEdge & { labelSize: Size } => e.labelSize !== null)
    .map((edge) => ({ edge, line: measured(edge.points) }))
    .sort((a, b) => a.line.total - b.line.total);
  const places = new Map<string, LabelPlace>();
  for (const { edge, line } of labelled) {
    const at = clearestPlace(edge, line, obstacles);
    obstacles.add(grown(boxAt(at, edge.labelSize), LABEL_GAP), "label");
    if (at.x !== edge.label.x || at.y !== edge.label.y) places.set(edge.id, { from: edge.label, at });
  }
  return places;
}

/** The place along the edge's line nearest its middle where its label covers nothing (else covers least). */
function clearestPlace(edge: DrawnEdge & { labelSize: Size }, line: Measured, obstacles: BoxGrid<"node" | "label">): Position {
  const middle = arcNearest(line, edge.label);
  /** What the label covers at `centre` (states count four times), or Infinity once that is more than `most`. */
  const cost = (centre: Position, most: number) => {
    const box = boxAt(centre, edge.labelSize);
    let covered = 0;
    for (const o of obstacles.near(box)) {
      covered += sharedArea(o.box, box) * (o.item === "node" ? 4 : 1);
      if (covered > most) return Infinity;
    }
    return covered;
  };
  let best = edge.label;
  let least = cost(best, Infinity);
  if (least === 0) return best;
  for (let k = 1; k <= TRIES && k * STEP <= line.total; k += 1) {
    for (const s of [middle + k * STEP, middle - k * STEP]) {
      if (s < 0 || s > line.total) continue;
      const centre = pointAt(line, s);
      const covered = cost(centre, least);
      if (covered === 0) return centre;
      if (covered < least) [best, least] = [centre, covered];
    }
  }
  return best;
}

interface Measured {
  points: Position[];
  /** The distance along the line to each point. */
  at: number[];
  total: number;
}

function measured(points: Position[]): Measured {
  const at = [0];
  for (let i = 1; i < points.length; i += 1) at.push(at[i - 1]! + Math.hypot(points[i]!.x - points[i - 1]!.x, points[i]!.y - points[i - 1]!.y));
  return { points, at, total: at[at.length - 1] ?? 0 };
}

/** The distance along the line to its point nearest `p`. */
function arcNearest(line: Measured, p: Position): number {
  let best = 0;
  let nearest = Infinity;
  for (let i = 1; i < line.points.length; i += 1) {
    const [a, b] = [line.points[i - 1]!, line.points[i]!];
    const length = line.at[i]! - line.at[i - 1]!;
    const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * (b.x - a.x) + (p.y - a.y) * (b.y - a.y)) / (length * length)));
    const d = Math.hypot(a.x + t * (b.x - a.x) - p.x, a.y + t * (b.y - a.y) - p.y);
    if (d < nearest) [nearest, best] = [d, line.at[i - 1]! + t * length];
  }
  return best;
}

function pointAt(line: Measured, s: number): Position {
  for (let i = 1; i < line.points.length; i += 1) {
    if (s <= line.at[i]! || i === line.points.length - 1) {
      const [a, b] = [line.points[i - 1]!, line.points[i]!];
      const length = line.at[i]! - line.at[i - 1]!;
      const t = length === 0 ? 0 : Math.max(0, Math.min(1, (s - line.at[i - 1]!) / length));
      return { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) };
    }
  }
  return line.points[0] ?? { x: 0, y: 0 };
}
