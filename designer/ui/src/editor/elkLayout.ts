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
import type { Direction } from "./layoutDirection";
import { edgeId } from "./selection";
import { LOOKS, lookOf } from "./stateStyle";

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
/** In a flow this big, a state that many states lead to (every task's `error` → `failed`, or to one
 * escalation step) is *busy*: each of those edges would cross every layer in between, and ELK's time grows
 * with the square of them — 120 states with 30 edges into one step took 82 s, and 150 with 60 overflowed its
 * stack. A busy final is laid out by ELK without those edges, drawn as plain steps; a flow with any other
 * busy state is laid out by the server, which sets such a state apart (designer/canvas_layout.py, the same
 * thresholds), and by ELK without its edges only if the server cannot. */
const BIG_FLOW = 60;
const BUSY_FAN_IN = 8;

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

/** The busy states of a flow (see BIG_FLOW): the finals, and the others. */
export function busyStates(workflow: Workflow): { finals: ReadonlySet<string>; others: ReadonlySet<string> } {
  const finals = new Set<string>();
  const others = new Set<string>();
  if (Object.keys(workflow.states).length <= BIG_FLOW) return { finals, others };
  const fanIn = new Map<string, number>();
  for (const t of workflow.transitions) {
    const sources = t.source === ANY_SOURCE ? 1 : Array.isArray(t.source) ? t.source.length : 1;
    fanIn.set(t.dest, (fanIn.get(t.dest) ?? 0) + sources);
  }
  for (const [id, count] of fanIn) {
    const type = workflow.states[id]?.type;
    if (count >= BUSY_FAN_IN && type) (type === "final" ? finals : others).add(id);
  }
  return { finals, others };
}

/** The ELK graph of a flow, without the edges into the states `skipped` (by default its busy finals). */
export function elkGraph(workflow: Workflow, direction: Direction, skipped: ReadonlySet<string> = busyStates(workflow).finals): ElkNode {
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
  for (const [id, state] of Object.entries(workflow.states)) {
    const look = LOOKS[lookOf(state)];
    children.push(node(id, look.width, look.height));
  }
  const edges: ElkExtendedEdge[] = [];
  let anyUsed = false;
  workflow.transitions.forEach((t, index) => {
    if (!(t.dest in workflow.states) || skipped.has(t.dest)) return;
    const label = transitionLabel(t) || "auto";
    const labels = [{ text: label, width: Math.min(240, 16 + label.length * LABEL_CHAR_WIDTH), height: LABEL_HEIGHT }];
    const add = (source: string, id: string) =>
      edges.push({ id, sources: [`${source}::out`], targets: [`${t.dest}::in`], labels });
    if (t.source === ANY_SOURCE) {
      anyUsed = true;
      add(ANY_NODE_ID, edgeId(index, null));
    } else if (Array.isArray(t.source)) {
      for (const s of t.source) if (s in workflow.states) add(s, edgeId(index, s));
    } else if (t.source in workflow.states) {
      add(t.source, edgeId(index, null));
    }
  });
  if (anyUsed) children.push(node(ANY_NODE_ID, ANY_NODE_SIZE.width, ANY_NODE_SIZE.height));
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
