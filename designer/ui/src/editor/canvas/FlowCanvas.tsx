// The diagram: states and transitions on a pannable, zoomable canvas with a minimap. The workflow is the
// source of truth; this component only reports what the person did (select, move, connect, drop).
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type EdgeTypes,
  type NodeChange,
  type NodeTypes,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import type { Position, StateType, Workflow } from "../../model/workflow";
import { ANY_NODE_ID, NodeCache, buildEdges, type CanvasNode, type TransitionEdge } from "../canvasGraph";
import type { Marks } from "../marks";
import { NO_MARKS } from "../marks";
import type { Selection } from "../selection";
import { sameSelection, transitionIndexOfEdge } from "../selection";
import { LOOKS, lookOf } from "../stateStyle";
import AnyStateNodeView from "./AnyStateNodeView";
import StateNodeView from "./StateNodeView";
import TransitionEdgeView from "./TransitionEdgeView";
import { PALETTE_MIME } from "./paletteDrag";

const nodeTypes: NodeTypes = { state: StateNodeView, any: AnyStateNodeView };
const edgeTypes: EdgeTypes = { transition: TransitionEdgeView };
const VISIBLE_ONLY_FROM = 120;
const NO_POSITIONS: Readonly<Record<string, Position>> = {};
// Props that never change are hoisted, so a re-render during a drag hands React Flow identical values.
const FIT_VIEW_OPTIONS = { padding: 0.15, maxZoom: 1.1 };
const PRO_OPTIONS = { hideAttribution: true };
const MULTI_SELECT_KEYS = ["Meta", "Control"];
const ZOOM_KEYS = ["Meta", "Control"];
const MINIMAP_STYLE = { width: 150, height: 100 };
const isValidConnection = (c: { source: string; target: string }) => c.source !== ANY_NODE_ID && c.target !== ANY_NODE_ID;

export interface RevealRequest {
  states: string[];
  transitions: number[];
  nonce: number;
}

export interface FlowCanvasProps {
  workflow: Workflow;
  marks?: Marks;
  selection: Selection;
  editable: boolean;
  reveal?: RevealRequest | null;
  /** Display positions for states the workflow's `layout` does not place (from the server's Graphviz). */
  suggestedLayout?: Readonly<Record<string, Position>>;
  testId?: string;
  onSelect?: (selection: Selection) => void;
  onMove?: (positions: Record<string, Position>) => void;
  onConnect?: (source: string, dest: string) => void;
  onDropState?: (type: StateType, position: Position) => void;
  /** A parallel state was double-clicked: show its inside. */
  onOpen?: (stateId: string) => void;
}

export default function FlowCanvas(props: FlowCanvasProps) {
  const { workflow, marks = NO_MARKS, selection, editable, reveal, testId = "canvas", suggestedLayout = NO_POSITIONS } = props;
  const { onSelect, onMove, onConnect, onDropState, onOpen } = props;
  const flow = useReactFlow<CanvasNode, TransitionEdge>();
  const cache = useRef(new NodeCache());
  const [dragging, setDragging] = useState<ReadonlyMap<string, Position>>(new Map());
  const selectedStates = useMemo(() => new Set(selection.states), [selection.states]);
  const selectedTransitions = useMemo(() => new Set(selection.transitions), [selection.transitions]);

  const nodes = useMemo(
    () => cache.current.build(workflow, marks, selectedStates, dragging, editable, suggestedLayout),
    [workflow, marks, selectedStates, dragging, editable, suggestedLayout],
  );
  const edges = useMemo(() => buildEdges(workflow, marks, selectedTransitions), [workflow, marks, selectedTransitions]);

  // Node and edge selection changes arrive in two callbacks in one tick: fold both into the latest value.
  const latest = useRef(selection);
  latest.current = selection;
  const report = useCallback(
    (next: Selection) => {
      if (!sameSelection(next, latest.current)) {
        latest.current = next;
        onSelect?.(next);
      }
    },
    [onSelect],
  );

  // Positions: while dragging they live here (cheap, no history); when a drag ends or arrow keys move the
  // selection, the new positions are reported once, as one change of the workflow's layout.
  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      const states = new Set(latest.current.states);
      let selectionChanged = false;
      const moving = new Map<string, Position>();
      const placed: Record<string, Position> = {};
      for (const change of changes) {
        if (change.type === "select") {
          selectionChanged = true;
          if (change.selected) states.add(change.id);
          else states.delete(change.id);
        } else if (change.type === "position" && change.position && change.id !== ANY_NODE_ID) {
          if (change.dragging) moving.set(change.id, change.position);
          else placed[change.id] = change.position;
        }
      }
      if (selectionChanged) report({ states: [...states], transitions: latest.current.transitions });
      if (moving.size > 0) setDragging((current) => new Map([...current, ...moving]));
      if (Object.keys(placed).length > 0) {
        setDragging(new Map());
        onMove?.(placed);
      }
    },
    [report, onMove],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<TransitionEdge>[]) => {
      const transitions = new Set(latest.current.transitions);
      let changed = false;
      for (const change of changes) {
        if (change.type !== "select") continue;
        const index = transitionIndexOfEdge(change.id);
        if (index === null) continue;
        changed = true;
        if (change.selected) transitions.add(index);
        else transitions.delete(index);
      }
      if (changed) report({ states: latest.current.states, transitions: [...transitions] });
    },
    [report],
  );

  // A drag that ends where it started reports no position: just forget the drag state.
  const endDrag = useCallback(() => setDragging((current) => (current.size ? new Map() : current)), []);

  const handleConnect = useCallback(
    (connection: Connection) => {
      if (connection.source && connection.target && connection.source !== ANY_NODE_ID) {
        onConnect?.(connection.source, connection.target);
      }
    },
    [onConnect],
  );

  const onNodeDoubleClick = useCallback(
    (_event: unknown, node: CanvasNode) => {
      if (node.type === "state" && node.data.state.type === "parallel") onOpen?.(node.id);
    },
    [onOpen],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(PALETTE_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    }
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_MIME) as StateType;
      if (!type || !onDropState) return;
      event.preventDefault();
      const point = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const look = LOOKS[lookOf({ type })];
      onDropState(type, { x: point.x - look.width / 2, y: point.y - look.height / 2 });
    },
    [flow, onDropState],
  );

  useEffect(() => {
    if (!reveal) return;
    const ids = new Set(reveal.states);
    for (const index of reveal.transitions) {
      const t = workflow.transitions[index];
      if (!t) continue;
      ids.add(t.dest);
      for (const s of Array.isArray(t.source) ? t.source : [t.source]) if (s in workflow.states) ids.add(s);
    }
    if (ids.size > 0) void flow.fitView({ nodes: [...ids].map((id) => ({ id })), duration: 300, maxZoom: 1, padding: 0.5 });
    // Only a new request (nonce) should move the viewport, not every edit of the workflow.
  }, [reveal?.nonce]);

  // When Graphviz positions arrive after the first paint, frame the drawing again.
  useEffect(() => {
    if (suggestedLayout !== NO_POSITIONS && Object.keys(suggestedLayout).length > 0) {
      window.setTimeout(() => void flow.fitView(FIT_VIEW_OPTIONS), 30);
    }
  }, [suggestedLayout, flow]);

  const large = nodes.length >= VISIBLE_ONLY_FROM;
  return (
    <div className="flow-canvas" data-testid={testId} onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<CanvasNode, TransitionEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={endDrag}
        onConnect={handleConnect}
        onNodeDoubleClick={onNodeDoubleClick}
        isValidConnection={isValidConnection}
        nodesDraggable={editable}
        nodesConnectable={editable}
        elementsSelectable
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        panOnScroll
        zoomOnPinch
        zoomOnScroll={false}
        zoomActivationKeyCode={ZOOM_KEYS}
        connectionRadius={40}
        onlyRenderVisibleElements={large}
        minZoom={0.05}
        maxZoom={2.5}
        fitView
        fitViewOptions={FIT_VIEW_OPTIONS}
        proOptions={PRO_OPTIONS}
      >
        <Background gap={24} size={1} />
        <MiniMap pannable zoomable ariaLabel="Minimap of the workflow" nodeClassName={miniMapClass} style={MINIMAP_STYLE} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

function miniMapClass(node: CanvasNode): string {
  if (node.type !== "state") return "mini-any";
  const mark = node.data.mark;
  return `mini-${lookOf(node.data.state)}${mark ? ` mini-mark-${mark}` : ""}`;
}
