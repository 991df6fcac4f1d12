// From a workflow to the nodes and edges @xyflow/react draws. Node objects are reused while their inputs
// are unchanged, so memoised node components skip rendering — what keeps a 300-state flow responsive.
import type { Edge, Node } from "@xyflow/react";
import { MarkerType } from "@xyflow/react";
import type { Position, State, Transition, Workflow } from "../model/workflow";
import { ANY_SOURCE, transitionLabel } from "../model/workflow";
import type { EdgeRoute } from "./elkLayout";
import type { Direction } from "./layoutDirection";
import type { Heat, Mark, Marks } from "./marks";
import { edgeId } from "./selection";
import { stateBox } from "./stateBox";

export const ANY_NODE_ID = "__any_state__";
/** No state or transition shown with the selection. */
const NONE: ReadonlySet<never> = new Set();
export const ANY_NODE_SIZE = { width: 150, height: 48 };

export interface StateNodeData extends Record<string, unknown> {
  stateId: string;
  state: State;
  initial: boolean;
  mark: Mark | undefined;
  /** Colouring by time or cost along the path selected in the Paths panel. */
  heat: Heat | undefined;
  /** Shown with the selection, not selected: the problem gone to is about it too (a transition's source). */
  involved: boolean;
  editable: boolean;
  /** The layout's axis: handles sit on it (entry top, exit bottom; or entry left, exit right). */
  direction: Direction;
}

export interface AnyNodeData extends Record<string, unknown> {
  count: number;
  direction: Direction;
}

export interface TransitionEdgeData extends Record<string, unknown> {
  index: number;
  transition: Transition;
  label: string;
  mark: Mark | undefined;
  /** Shown with the selection, not selected (see StateNodeData.involved). */
  involved: boolean;
  /** Where this edge sits among the edges joining the same two states (to fan them apart). */
  siblingIndex: number;
  siblingCount: number;
  /** True when this edge runs against the pair's canonical direction (so fanning uses the same side). */
  reversed: boolean;
  /** ELK's orthogonal route, while both ends sit where ELK placed them. */
  route: EdgeRoute | undefined;
}

export type StateNode = Node<StateNodeData, "state">;
export type AnyNode = Node<AnyNodeData, "any">;
export type CanvasNode = StateNode | AnyNode;
export type TransitionEdge = Edge<TransitionEdgeData, "transition">;

const GRID_COLUMNS = 6;

/** Where a state without a saved position goes: a grid below everything placed. */
export function fallbackPosition(index: number): Position {
  return { x: (index % GRID_COLUMNS) * 240, y: Math.floor(index / GRID_COLUMNS) * 140 };
}

/** Saved positions first, then the ones Graphviz suggested for display, then a grid. */
export function statePositions(workflow: Workflow, suggested: Readonly<Record<string, Position>> = {}): Map<string, Position> {
  const positions = new Map<string, Position>();
  let unplaced = 0;
  for (const id of Object.keys(workflow.states)) {
    const saved = workflow.layout?.[id];
    if (saved && Number.isFinite(saved.x) && Number.isFinite(saved.y)) positions.set(id, saved);
    else positions.set(id, suggested[id] ?? fallbackPosition(unplaced++));
  }
  return positions;
}

export class NodeCache {
  private cache = new Map<string, StateNode>();

  build(
    workflow: Workflow,
    marks: Marks,
    selected: ReadonlySet<string>,
    overrides: ReadonlyMap<string, Position>,
    editable: boolean,
    suggested: Readonly<Record<string, Position>>,
    direction: Direction,
    involved: ReadonlySet<string> = NONE,
  ): CanvasNode[] {
    const positions = statePositions(workflow, suggested);
    const next = new Map<string, StateNode>();
    const nodes: CanvasNode[] = [];
    for (const [id, state] of Object.entries(workflow.states)) {
      const position = overrides.get(id) ?? positions.get(id)!;
      const node = this.node(id, state, position, workflow.initial === id, marks.states.get(id), marks.heat?.get(id), selected.has(id), involved.has(id), editable, direction);
      next.set(id, node);
      nodes.push(node);
    }
    this.cache = next;
    const anyCount = workflow.transitions.filter((t) => t.source === ANY_SOURCE).length;
    if (anyCount > 0) {
      nodes.push(anyNode(anyCount, overrides.get(ANY_NODE_ID) ?? anyNodePosition(workflow, positions, suggested), direction));
    }
    return nodes;
  }

  private node(
    id: string,
    state: State,
    position: Position,
    initial: boolean,
    mark: Mark | undefined,
    heat: Heat | undefined,
    selected: boolean,
    involved: boolean,
    editable: boolean,
    direction: Direction,
  ): StateNode {
    const previous = this.cache.get(id);
    if (
      previous &&
      previous.data.state === state &&
      previous.position.x === position.x &&
      previous.position.y === position.y &&
      previous.data.initial === initial &&
      previous.data.mark === mark &&
      previous.data.heat?.level === heat?.level &&
      previous.data.heat?.label === heat?.label &&
      previous.selected === selected &&
      previous.data.involved === involved &&
      previous.data.editable === editable &&
      previous.data.direction === direction
    ) {
      return previous;
    }
    const look = stateBox(state, id);
    return {
      id,
      type: "state",
      position,
      selected,
      width: look.width,
      height: look.height,
      draggable: editable,
      connectable: editable,
      data: { stateId: id, state, initial, mark, heat, involved, editable, direction },
    };
  }
}

function anyPosition(positions: Map<string, Position>): Position {
  let minX = 0;
  let minY = 0;
  for (const p of positions.values()) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
  }
  return { x: minX - 260, y: minY };
}

/** The `*` pseudo-state follows the suggested layout while the states do (no saved layout yet). */
function anyNodePosition(workflow: Workflow, positions: Map<string, Position>, suggested: Readonly<Record<string, Position>>): Position {
  const followsSuggestion = Object.keys(workflow.states).some((id) => !workflow.layout?.[id]);
  return (followsSuggestion ? suggested[ANY_NODE_ID] : undefined) ?? anyPosition(positions);
}

/** Where every node is drawn when nothing is being dragged, the `*` pseudo-state included. */
export function drawnPositions(workflow: Workflow, suggested: Readonly<Record<string, Position>>): Map<string, Position> {
  const positions = statePositions(workflow, suggested);
  positions.set(ANY_NODE_ID, anyNodePosition(workflow, positions, suggested));
  return positions;
}

function anyNode(count: number, position: Position, direction: Direction): AnyNode {
  return {
    id: ANY_NODE_ID,
    type: "any",
    position,
    ...ANY_NODE_SIZE,
    draggable: false,
    connectable: false,
    selectable: false,
    data: { count, direction },
  };
}

/** Where the automatic layout put a graph: its node positions and edge routes (see autoLayout.ts). */
export interface Routing {
  positions: Readonly<Record<string, Position>>;
  routes: Readonly<Record<string, EdgeRoute>>;
}

const near = (a: Position | undefined, b: Position | undefined) => Boolean(a && b && Math.abs(a.x - b.x) <= 1 && Math.abs(a.y - b.y) <= 1);

/** `routings`: the layout's routes for this graph, newest first, then those of the graph as it was before an edit
 * (a state added, a transition added): a transition whose two states have not moved since keeps its route. */
export function buildEdges(
  workflow: Workflow,
  marks: Marks,
  selected: ReadonlySet<number>,
  routings: readonly Routing[] = [],
  drawnAt: ReadonlyMap<string, Position> = new Map(),
  involved: ReadonlySet<number> = NONE,
): TransitionEdge[] {
  /** ELK's route holds while both ends are where ELK put them; a moved state's edges are drawn afresh. (A route
   * laid for another transition under the same id is refused by the edge: its ends are not at its handles.) */
  const routeOf = (id: string, source: string, dest: string): EdgeRoute | undefined => {
    for (const routing of routings) {
      const route = routing.routes[id];
      if (route && near(drawnAt.get(source), routing.positions[source]) && near(drawnAt.get(dest), routing.positions[dest])) return route;
    }
    return undefined;
  };
  const raw: { id: string; source: string; index: number; t: Transition }[] = [];
  workflow.transitions.forEach((t, index) => {
    if (t.source === ANY_SOURCE) {
      raw.push({ id: edgeId(index, null), source: ANY_NODE_ID, index, t });
    } else if (Array.isArray(t.source)) {
      for (const s of t.source) raw.push({ id: edgeId(index, s), source: s, index, t });
    } else {
      raw.push({ id: edgeId(index, null), source: t.source, index, t });
    }
  });
  const pairCount = new Map<string, number>();
  const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  for (const r of raw) pairCount.set(pairKey(r.source, r.t.dest), (pairCount.get(pairKey(r.source, r.t.dest)) ?? 0) + 1);
  const pairSeen = new Map<string, number>();
  const known = (id: string) => id === ANY_NODE_ID || id in workflow.states;
  return raw
    .filter((r) => known(r.source) && known(r.t.dest))
    .map((r) => {
      const key = pairKey(r.source, r.t.dest);
      const siblingIndex = pairSeen.get(key) ?? 0;
      pairSeen.set(key, siblingIndex + 1);
      const mark = marks.transitions.get(r.index);
      const alsoShown = involved.has(r.index);
      return {
        id: r.id,
        type: "transition",
        source: r.source,
        target: r.t.dest,
        selected: selected.has(r.index),
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: "#546e7a" },
        className: [mark ? `mark-${mark}` : "", alsoShown ? "involved" : ""].filter(Boolean).join(" ") || undefined,
        data: {
          index: r.index,
          transition: r.t,
          label: transitionLabel(r.t),
          mark,
          involved: alsoShown,
          siblingIndex,
          siblingCount: pairCount.get(key) ?? 1,
          reversed: r.source > r.t.dest,
          route: routeOf(r.id, r.source, r.t.dest),
        },
      } satisfies TransitionEdge;
    });
}
