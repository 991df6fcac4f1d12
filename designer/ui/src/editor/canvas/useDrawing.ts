// The canvas' drawing as geometry (drawing.ts), where no state is being dragged, and what is worked out from it:
// where the labels that cannot sit in their lines' middles go (edgeLabels.ts), and — on a canvas that can lay the
// flow out again — whether the drawing is tangled, weighed against the automatic layout's drawing of the same flow
// (tangles.ts).
import { useStore } from "@xyflow/react";
import { useDeferredValue, useMemo, useRef, useState } from "react";
import { ANY_SOURCE, type Position, type Workflow } from "../../model/workflow";
import { ANY_NODE_ID, buildEdges, type Routing, type TransitionEdge } from "../canvasGraph";
import { nodeSize } from "../elkLayout";
import type { Direction } from "../layoutDirection";
import { NO_MARKS } from "../marks";
import { drawingOf, sameDrawing, type Box, type Drawing, type EdgeInput } from "./drawing";
import { labelSize, labelsReadable, placeLabels, type LabelPlace } from "./edgeLabels";
import { tanglesOf, worseThan, type Tangles } from "./tangles";

const NO_TRANSITIONS: ReadonlySet<number> = new Set();
const NO_PLACES: ReadonlyMap<string, LabelPlace> = new Map();
/** A drawing is weighed for tangles up to this many nodes: a bigger flow is generated, and laid out. */
const TANGLES_UP_TO = 150;

export interface DrawingInput {
  /** The workflow drawn, and where each node is drawn. */
  drawn: Workflow;
  drawnAt: ReadonlyMap<string, Position>;
  direction: Direction;
  /** The layout's routings, newest first (see buildEdges). */
  routes: readonly Routing[];
  /** The guard each label shows, by transition index (guardTexts.ts). */
  guards: ReadonlyMap<number, string>;
  /** Weigh the drawing against the layout's, which `routes[0]` is, for this flow in this direction (the canvas can
   * lay the flow out again). */
  weigh: boolean;
}

export interface DrawnCanvas {
  drawing: Drawing;
  labelPlaces: ReadonlyMap<string, LabelPlace>;
  /** The drawing's tangles, when it reads clearly worse than the layout's and the person has not kept it so. */
  tangled: Tangles | null;
  /** Keep the drawing as it is: no word of its tangles until it gets worse, or is tidied and tangled again. */
  keep: () => void;
}

export function useDrawing({ drawn, drawnAt, direction, routes, guards, weigh }: DrawingInput): DrawnCanvas {
  const lines = useMemo(() => edgeInputs(buildEdges(drawn, NO_MARKS, NO_TRANSITIONS, routes, drawnAt), guards), [drawn, routes, drawnAt, guards]);
  const boxes = useMemo(() => boxesAt(drawn, drawnAt), [drawn, drawnAt]);
  // An edit that moves nothing (a title, a description) keeps the drawing: what is worked out from it is not worked
  // out again.
  const last = useRef<Drawing | null>(null);
  const drawing = useMemo(() => {
    const next = drawingOf(boxes, lines, direction);
    const kept = last.current && sameDrawing(last.current, next) ? last.current : next;
    last.current = kept;
    return kept;
  }, [boxes, lines, direction]);
  // Worked out once labels are drawn (from LABEL_MIN_ZOOM on): a big flow seen whole shows none.
  const labelsShown = useStore(labelsReadable);
  const labelPlaces = useMemo(() => (labelsShown ? placeLabels(drawing) : NO_PLACES), [labelsShown, drawing]);

  const layout = routes[0];
  const tidyable = weigh && layout !== undefined && boxes.size <= TANGLES_UP_TO;
  // Not urgent: weighed after the edit is drawn (a drop, a state added), not before.
  const weighed = useDeferredValue(tidyable ? drawing : null);
  const tangles = useMemo(() => (weighed ? tanglesOf(weighed) : null), [weighed]);
  const laidOut = useMemo(() => {
    if (!tangles || !layout || ![...boxes.keys()].every((id) => layout.positions[id])) return null;
    const there = new Map([...boxes].map(([id, box]): [string, Box] => [id, { ...box, ...layout.positions[id]! }]));
    return tanglesOf(drawingOf(there, lines.map((line) => ({ ...line, route: layout.routes[line.id] })), direction));
  }, [tangles, layout, boxes, lines, direction]);
  // "Keep as it is" holds for this flow until the drawing reads as well as the layout again (Auto-layout, or
  // tidied by hand): a drawing tangled after that is said again, even no worse than the one kept.
  const [kept, setKept] = useState<{ tangles: Tangles; flow: unknown } | null>(null);
  const tidy = tangles !== null && laidOut !== null && !worseThan(tangles, laidOut);
  if (kept && (tidy || kept.flow !== drawn.id)) setKept(null);
  const keptTangles = kept && !tidy && kept.flow === drawn.id ? kept.tangles : null;
  const tangled = tangles && laidOut && worseThan(tangles, laidOut) && (!keptTangles || worseThan(tangles, keptTangles)) ? tangles : null;
  return { drawing, labelPlaces, tangled, keep: () => setKept(tangled && { tangles: tangled, flow: drawn.id }) };
}

/** Every node's box where it is drawn (states, and the `*` pseudo-state). */
function boxesAt(workflow: Workflow, drawnAt: ReadonlyMap<string, Position>): Map<string, Box> {
  const boxes = new Map<string, Box>();
  const anyShown = workflow.transitions.some((t) => t.source === ANY_SOURCE);
  for (const [id, at] of drawnAt) {
    if (id === ANY_NODE_ID ? anyShown : id in workflow.states) boxes.set(id, { ...at, ...nodeSize(workflow, id) });
  }
  return boxes;
}

/** The lines the canvas draws, with their labels' sizes (the guard as its label shows it). */
function edgeInputs(edges: readonly TransitionEdge[], guards: ReadonlyMap<number, string>): EdgeInput[] {
  return edges.flatMap((edge) => {
    const data = edge.data;
    if (!data) return [];
    const { index, transition, route, siblingIndex, siblingCount, reversed } = data;
    return [{ id: edge.id, source: edge.source, target: edge.target, route, siblingIndex, siblingCount, reversed, label: labelSize(transition, guards.get(index)) }];
  });
}
