// ELK's layered layout (the Eclipse Layout Kernel, run in a Web Worker so the page does not freeze). States
// are arranged in layers along one axis — top to bottom or left to right — with each state's one entry and
// one exit on that axis (where the canvas draws its handles), and transitions routed orthogonally around the
// states with room kept for their labels. `elkGraph` is also the graph a big flow sends to the server's
// Graphviz instead (see autoLayout.ts, which chooses and remembers results).
import ELK from "elkjs/lib/elk-api.js";
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api.js";
import workerUrl from "elkjs/lib/elk-worker.min.js?url";
import type { Position, Workflow } from "../model/workflow";
import { ANY_SOURCE, transitionLabel } from "../model/workflow";
import { ANY_NODE_ID, ANY_NODE_SIZE } from "./canvasGraph";
import { flowOrder } from "./flowOrder";
import type { Direction } from "./layoutDirection";
import { edgeId } from "./selection";
import { stateBox } from "./stateBox";

/** One transition's drawn path: its points from the source's exit to the target's entry, and its label's centre. */
export interface EdgeRoute {
  points: Position[];
  label: Position | null;
}

/** Where a layout put things, whichever engine made it. */
export interface LaidOut {
  /** Top-left corners, as the canvas places nodes (the `*` pseudo-state under ANY_NODE_ID). */
  positions: Record<string, Position>;
  /** By canvas edge id (see selection.ts). */
  routes: Record<string, EdgeRoute>;
}

const LABEL_HEIGHT = 20;
const LABEL_CHAR_WIDTH = 6.6;
const INLINE = { "elk.edgeLabels.inline": "true" };
let engine: InstanceType<typeof ELK> | null = null;

function elk(): InstanceType<typeof ELK> {
  engine ??= new ELK({ workerUrl });
  return engine;
}

/** Lay a graph made by `elkGraph` out with ELK. */
export function runElk(graph: ElkNode): Promise<LaidOut> {
  return elk().layout(graph).then(readResult);
}

/** Where a node's entry (`in`) and exit (`out`) sit, relative to its top-left corner. */
export function portOffsets(width: number, height: number, direction: Direction): { in: Position; out: Position } {
  return direction === "TB"
    ? { in: { x: width / 2, y: 0 }, out: { x: width / 2, y: height } }
    : { in: { x: 0, y: height / 2 }, out: { x: width, y: height / 2 } };
}

/** One edge the canvas draws: a transition from one of its sources (ANY_NODE_ID for `*`), by canvas edge id. */
export interface CanvasEdge {
  id: string;
  source: string;
  dest: string;
  label: string;
}

/** The canvas's edges, in transition order; those into unknown states left out. */
export function canvasEdges(workflow: Workflow): CanvasEdge[] {
  const edges: CanvasEdge[] = [];
  workflow.transitions.forEach((t, index) => {
    if (!(t.dest in workflow.states)) return;
    const label = transitionLabel(t) || "auto";
    if (t.source === ANY_SOURCE) edges.push({ id: edgeId(index, null), source: ANY_NODE_ID, dest: t.dest, label });
    else if (Array.isArray(t.source)) {
      for (const s of t.source) if (s in workflow.states) edges.push({ id: edgeId(index, s), source: s, dest: t.dest, label });
    } else if (t.source in workflow.states) edges.push({ id: edgeId(index, null), source: t.source, dest: t.dest, label });
  });
  return edges;
}

/** A node's size on the canvas (the `*` pseudo-state's under ANY_NODE_ID). */
export function nodeSize(workflow: Workflow, id: string): { width: number; height: number } {
  if (id === ANY_NODE_ID) return ANY_NODE_SIZE;
  const { width, height } = stateBox(workflow.states[id], id);
  return { width, height };
}

/** The ELK graph of a flow, without the states `apart` and their edges (see busyStates.ts). */
export function elkGraph(workflow: Workflow, direction: Direction, apart: ReadonlySet<string> = new Set()): ElkNode {
  const children: ElkNode[] = [];
  const node = (id: string, width: number, height: number): ElkNode => {
    const ports = portOffsets(width, height, direction);
    const [inSide, outSide] = direction === "TB" ? ["NORTH", "SOUTH"] : ["WEST", "EAST"];
    return {
      id,
      width,
      height,
      layoutOptions: { "elk.portConstraints": "FIXED_POS" },
      ports: [
        { id: `${id}::in`, x: ports.in.x, y: ports.in.y, width: 0, height: 0, layoutOptions: { "elk.port.side": inSide! } },
        { id: `${id}::out`, x: ports.out.x, y: ports.out.y, width: 0, height: 0, layoutOptions: { "elk.port.side": outSide! } },
      ],
    };
  };
  const edges: ElkExtendedEdge[] = [];
  const next = new Map<string, string[]>(Object.keys(workflow.states).map((id) => [id, []]));
  for (const e of canvasEdges(workflow)) {
    if (apart.has(e.dest) || apart.has(e.source)) continue;
    // Each edge its own label object: ELK writes a label's place into it, and one shared by the edges of a
    // many-source transition ended up where the last of them put it, far from the others. Inline: the label
    // sits on its line (beside it, a 200 px guard's centre was 100 px off, nearer another edge than its own).
    const labels = [{ text: e.label, width: Math.min(240, 16 + e.label.length * LABEL_CHAR_WIDTH), height: LABEL_HEIGHT, layoutOptions: INLINE }];
    edges.push({ id: e.id, sources: [`${e.source}::out`], targets: [`${e.dest}::in`], labels });
    if (!next.has(e.source)) next.set(e.source, []);
    next.get(e.source)!.push(e.dest);
  }
  // In the order the flow runs (see flowOrder.ts), which ELK keeps: transitions go down the page (or across).
  for (const id of flowOrder(next, [workflow.initial ?? "", ANY_NODE_ID])) {
    if (apart.has(id)) continue;
    const size = nodeSize(workflow, id);
    children.push(node(id, size.width, size.height));
  }
  return {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": direction === "TB" ? "DOWN" : "RIGHT",
      "elk.edgeRouting": "ORTHOGONAL",
      "elk.layered.spacing.nodeNodeBetweenLayers": "56",
      "elk.spacing.nodeNode": "36",
      "elk.spacing.edgeNode": "18",
      "elk.spacing.edgeEdge": "12",
      "elk.layered.spacing.edgeNodeBetweenLayers": "18",
      "elk.spacing.edgeLabel": "4",
      "elk.edgeLabels.placement": "CENTER",
      "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX",
      "elk.layered.crossingMinimization.strategy": "LAYER_SWEEP",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
      "elk.layered.cycleBreaking.strategy": "MODEL_ORDER",
      "elk.padding": "[top=20,left=20,bottom=20,right=20]",
    },
    children,
    edges,
  };
}

function readResult(laid: ElkNode): LaidOut {
  const positions: Record<string, Position> = {};
  for (const child of laid.children ?? []) positions[child.id] = { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) };
  const routes: Record<string, EdgeRoute> = {};
  for (const edge of (laid.edges ?? []) as ElkExtendedEdge[]) {
    const section = edge.sections?.[0];
    if (!section) continue;
    const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => ({ x: p.x, y: p.y }));
    const label = edge.labels?.[0];
    routes[edge.id] = {
      points,
      label: label && label.x !== undefined && label.y !== undefined ? { x: label.x + (label.width ?? 0) / 2, y: label.y + (label.height ?? 0) / 2 } : null,
    };
  }
  return { positions, routes };
}
