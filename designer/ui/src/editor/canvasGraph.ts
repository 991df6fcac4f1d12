// From a workflow to the nodes and edges @xyflow/react draws. Node objects are reused while their inputs
// are unchanged, so memoised node components skip rendering — what keeps a 300-state flow responsive.
import type { Edge, Node } from "@xyflow/react";
import { MarkerType } from "@xyflow/react";
import type { Position, State, Transition, Workflow } from "../model/workflow";
import { ANY_SOURCE, transitionLabel } from "../model/workflow";
import type { Mark, Marks } from "./marks";
import { edgeId } from "./selection";
import { LOOKS, lookOf } from "./stateStyle";

export const ANY_NODE_ID = "__any_state__";

export interface StateNodeData extends Record<string, unknown> {
  stateId: string;
  state: State;
  initial: boolean;
  mark: Mark | undefined;
  editable: boolean;
}

export interface AnyNodeData extends Record<string, unknown> {
  count: number;
}

export interface TransitionEdgeData extends Record<string, unknown> {
  index: number;
  transition: Transition;
  label: string;
  mark: Mark | undefined;
  /** Where this edge sits among the edges joining the same two states (to fan them apart). */
  siblingIndex: number;
  siblingCount: number;
  /** True when this edge runs against the pair's canonical direction (so fanning uses the same side). */
  reversed: boolean;
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
  ): CanvasNode[] {
    const positions = statePositions(workflow, suggested);
    const next = new Map<string, StateNode>();
    const nodes: CanvasNode[] = [];
    for (const [id, state] of Object.entries(workflow.states)) {
      const position = overrides.get(id) ?? positions.get(id)!;
      const node = this.node(id, state, position, workflow.initial === id, marks.states.get(id), selected.has(id), editable);
      next.set(id, node);
      nodes.push(node);
    }
    this.cache = next;
    const anyCount = workflow.transitions.filter((t) => t.source === ANY_SOURCE).length;
    if (anyCount > 0) nodes.push(anyNode(anyCount, overrides.get(ANY_NODE_ID) ?? anyPosition(positions)));
    return nodes;
  }

  private node(
    id: string,
    state: State,
    position: Position,
    initial: boolean,
    mark: Mark | undefined,
    selected: boolean,
    editable: boolean,
  ): StateNode {
    const previous = this.cache.get(id);
    if (
      previous &&
      previous.data.state === state &&
      previous.position.x === position.x &&
      previous.position.y === position.y &&
      previous.data.initial === initial &&
      previous.data.mark === mark &&
      previous.selected === selected &&
      previous.data.editable === editable
    ) {
      return previous;
    }
    const look = LOOKS[lookOf(state)];
    return {
      id,
      type: "state",
      position,
      selected,
      width: look.width,
      height: look.height,
      draggable: editable,
      connectable: editable,
      data: { stateId: id, state, initial, mark, editable },
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

function anyNode(count: number, position: Position): AnyNode {
  return {
    id: ANY_NODE_ID,
    type: "any",
    position,
    width: 150,
    height: 48,
    draggable: false,
    connectable: false,
    selectable: false,
    data: { count },
  };
}

export function buildEdges(workflow: Workflow, marks: Marks, selected: ReadonlySet<number>): TransitionEdge[] {
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
      return {
        id: r.id,
        type: "transition",
        source: r.source,
        target: r.t.dest,
        selected: selected.has(r.index),
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: "#546e7a" },
        className: mark ? `mark-${mark}` : undefined,
        data: {
          index: r.index,
          transition: r.t,
          label: transitionLabel(r.t),
          mark,
          siblingIndex,
          siblingCount: pairCount.get(key) ?? 1,
          reversed: r.source > r.t.dest,
        },
      } satisfies TransitionEdge;
    });
}
