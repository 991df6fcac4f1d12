// The diagram: states and transitions on a pannable, zoomable canvas (the wheel zooms, dragging the
// background pans) with a search / direction bar and a minimap that can be folded away. The workflow is
// the source of truth; this component only reports what the person did (select, move, connect, drop).
import {
  Background,
  ControlButton,
  Controls,
  ReactFlow,
  useReactFlow,
  useStore,
  type Connection,
  type EdgeChange,
  type EdgeTypes,
  type NodeChange,
  type NodeTypes,
  type ReactFlowState,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import type { Position, StateType, Workflow } from "../../model/workflow";
import { ANY_NODE_ID, NodeCache, buildEdges, drawnPositions, type CanvasNode, type Routing, type TransitionEdge } from "../canvasGraph";
import { layOutFlow } from "../autoLayout";
import { layoutDirection, setLayoutDirection, shownDirection, useLayoutDirection, type Direction } from "../layoutDirection";
import { isCarriedLayout, isInterimLayout, needsLayout } from "../useSuggestedLayout";
import type { Marks } from "../marks";
import { ROOT, sameScope, type Scope } from "../../model/scope";
import { NO_MARKS } from "../marks";
import type { Selection } from "../selection";
import { NOTHING, sameSelection, transitionIndexOfEdge } from "../selection";
import { LOOKS, lookOf } from "../stateStyle";
import AnyStateNodeView from "./AnyStateNodeView";
import StateNodeView from "./StateNodeView";
import TransitionEdgeView from "./TransitionEdgeView";
import CanvasBar, { searchTargets, type SearchQuery, type SearchTarget } from "./CanvasBar";
import StatesMiniMap, { minimapStyle } from "./StatesMiniMap";
import { PALETTE_MIME } from "./paletteDrag";
import { FIT_EVENT, framedViewport, inClearView, MIN_READABLE_ZOOM, readableViewport, viewportAt, wholeViewport, zoomToFrame, type FitRequest, type Insets, type Rect } from "./readableFit";
import { GuardTexts, guardTexts } from "./guardTexts";
import { useViewLayout } from "./useViewLayout";
import { drawingBounds, type Drawing } from "./drawing";
import { LabelPlaces } from "./edgeLabels";
import { tangleWords } from "./tangles";
import { useDrawing } from "./useDrawing";
import { drawable } from "./drawable";

const nodeTypes: NodeTypes = { state: StateNodeView, any: AnyStateNodeView };
const edgeTypes: EdgeTypes = { transition: TransitionEdgeView };
const VISIBLE_ONLY_FROM = 120;
const NO_POSITIONS: Readonly<Record<string, Position>> = {};
// Props that never change are hoisted, so a re-render during a drag hands React Flow identical values.
const PRO_OPTIONS = { hideAttribution: true };
const MULTI_SELECT_KEYS = ["Meta", "Control"];
const MINIMAP_KEY = "statewright.minimap";
const ROUTE_SAVED_UP_TO = 150;
/** A flow this small fits the view: it gets no minimap to hide its states under. */
const MINIMAP_FROM = 12;
/** Room kept free at fit: a margin round the drawing (the search bar and the zoom buttons have strips of their own,
 * over no state), and the minimap (when shown) right. */
const INSETS: Insets = { top: 20, right: 24, bottom: 20, left: 20 };
/** Around the states a jump or a finding frames. */
const FRAME_GAP = 40;
/** A finding's states are framed however far apart they are (React Flow's own least zoom). */
const ANY_ZOOM = 0.05;
/** Room kept at fit beside the minimap. */
const MINIMAP_MARGIN = 28;
/** How many routings of earlier shapes of the graph are kept: their routes hold for transitions not moved since. */
const ROUTINGS_KEPT = 4;
/** The names are drawn too small to read (a little below the readable zoom: the first view sits at it). */
const namesTooSmall = (s: ReactFlowState) => s.transform[2] < MIN_READABLE_ZOOM - 0.01;
/** The direction each saved layout was made in (kept when the direction was turned): Undo and Redo of the turn,
 * which bring a layout object back, bring its direction back with it. */
const directionOfLayout = new WeakMap<object, Direction>();
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
  /** States and transitions shown beside the selection without being selected: the others a problem gone to
   * is about (the state a transition at fault leaves). */
  involved?: Selection;
  editable: boolean;
  reveal?: RevealRequest | null;
  /** Display positions for states the workflow's `layout` does not place (see useSuggestedLayout.ts). */
  suggestedLayout?: Readonly<Record<string, Position>>;
  testId?: string;
  onSelect?: (selection: Selection) => void;
  onMove?: (positions: Record<string, Position>) => void;
  onConnect?: (source: string, dest: string) => void;
  onDropState?: (type: StateType, position: Position) => void;
  /** A parallel state was double-clicked: show its inside. */
  onOpen?: (stateId: string) => void;
  /** The whole document and where this canvas is in it: the search then finds states anywhere in it. */
  everywhere?: { root: Workflow; scope: Scope };
  /** The search found a state in another machine of the document (`everywhere`): show it there. */
  onFindElsewhere?: (scope: Scope, stateId: string) => void;
  /** The search's query, kept by the page across canvases (a jump into a branch draws a new one). */
  search?: SearchQuery;
  onSearch?: (query: SearchQuery) => void;
  /** A link past the diagram for keyboard users, beside the search. */
  skipTo?: { targetId: string; label: string };
  /** The state a fit keeps in view when the drawing is too big to fit legibly (an instance's current state);
   * the initial state when not given. */
  focusState?: string;
  /** The states the first view frames, as many as fit together legibly, most wanted first (an instance's path:
   * where it is, then where it came from); over `focusState` for that view. */
  openOn?: string[];
  /** Lay the flow out again (Auto-layout), offered in the bar when the drawing is tangled. */
  onTidy?: () => void;
  /** Given the drawing as drawn, whenever it changes (the editor places new states clear of it). */
  drawingRef?: { current: Drawing | null };
}

export default function FlowCanvas(props: FlowCanvasProps) {
  const { marks = NO_MARKS, selection, involved = NOTHING, editable, reveal, testId = "canvas", suggestedLayout = NO_POSITIONS } = props;
  // Drawn with every field it reads of its type: one of another type is left for the Problems panel to name.
  const workflow = useMemo(() => drawable(props.workflow), [props.workflow]);
  const { onSelect, onMove, onConnect, onDropState, onOpen, everywhere, onFindElsewhere, search, onSearch, skipTo, focusState, openOn, onTidy, drawingRef } = props;
  const flow = useReactFlow<CanvasNode, TransitionEdge>();
  const cache = useRef(new NodeCache());
  const [dragging, setDragging] = useState<ReadonlyMap<string, Position>>(new Map());
  const selectedStates = useMemo(() => new Set(selection.states), [selection.states]);
  const selectedTransitions = useMemo(() => new Set(selection.transitions), [selection.transitions]);
  const involvedStates = useMemo(() => new Set(involved.states), [involved.states]);
  const involvedTransitions = useMemo(() => new Set(involved.transitions), [involved.transitions]);
  const preference = useLayoutDirection();
  const [mapWanted, setMapWanted] = useState(() => readFlag(MINIMAP_KEY, true));
  const bigEnoughForMap = Object.keys(workflow.states).length >= MINIMAP_FROM;
  const mapStyle = useStore(minimapStyle);
  const mapShown = mapWanted && bigEnoughForMap && mapStyle !== null;
  const pane = useRef<HTMLDivElement>(null);
  const viewOnly = !editable || !onMove;

  // Read-only, a flow with saved places turned to another direction is drawn as laid out in it, for viewing.
  const [wanted, setWanted] = useState<Direction | null>(null);
  const { drawn, shownLayout, turning: viewTurning, direction: viewDirection } = useViewLayout(workflow, viewOnly, wanted, suggestedLayout);
  // The direction the flow is drawn in, which the bar shows: its saved places' (layoutDirection.ts), else the
  // preference, which lays it out.
  const direction = viewDirection ?? shownDirection(drawn, preference);

  // The layout's routes for this graph in this direction (ELK's, off the main thread, or the server's for a
  // big flow; remembered by shape). They hold only where states sit where the layout puts them: for a big flow with its own saved layout that is
  // unlikely, so its edges are drawn as steps without asking. The routings of the graph before an edit are kept
  // a while: a state added keeps the others' transitions on their routes.
  const [routings, setRoutings] = useState<readonly (Routing & { direction: string })[]>([]);
  useEffect(() => {
    let current = true;
    if (!needsLayout(drawn) && Object.keys(drawn.states).length > ROUTE_SAVED_UP_TO) {
      setRoutings((before) => (before.length > 0 ? [] : before));
      return;
    }
    layOutFlow(drawn, direction)
      .then((result) => current && setRoutings((before) => [{ ...result, direction }, ...before.filter((r) => r.direction === direction)].slice(0, ROUTINGS_KEPT)))
      .catch(() => current && setRoutings((before) => (before.length > 0 ? [] : before)));
    return () => {
      current = false;
    };
  }, [drawn, direction]);
  const routes = useMemo(() => routings.filter((r) => r.direction === direction), [routings, direction]);

  const nodes = useMemo(
    () => cache.current.build(drawn, marks, selectedStates, dragging, editable, shownLayout, direction, involvedStates),
    [drawn, marks, selectedStates, dragging, editable, shownLayout, direction, involvedStates],
  );
  const guards = useMemo(() => guardTexts(workflow.transitions), [workflow.transitions]);
  const drawnAt = useMemo(() => drawnPositions(drawn, shownLayout), [drawn, shownLayout]);
  const edges = useMemo(
    () => buildEdges(drawn, marks, selectedTransitions, routes, drawnAt, involvedTransitions),
    [drawn, marks, selectedTransitions, routes, drawnAt, involvedTransitions],
  );

  // The drawing as geometry: its labels kept apart, the new states the editor adds placed clear of it, and its
  // tangles weighed against the layout's where Auto-layout can be offered.
  const { drawing, labelPlaces, tangled, keep } = useDrawing({ drawn, drawnAt, direction, routes, guards, weigh: Boolean(onTidy) && editable });
  useEffect(() => {
    if (drawingRef) drawingRef.current = drawing;
  }, [drawingRef, drawing]);
  /** What a fit shows: the states, and the lines and labels drawn beside them (drawingBounds). */
  const shownRef = useRef({ drawing, labelPlaces });
  shownRef.current = { drawing, labelPlaces };
  const boundsOf = useCallback(
    (nodes: Parameters<typeof flow.getNodesBounds>[0]): Rect => {
      const nodesBox = flow.getNodesBounds(nodes);
      const { drawing: d, labelPlaces: places } = shownRef.current;
      const whole = drawingBounds(d, new Map([...places].map(([id, place]) => [id, place.at])));
      if (!whole) return nodesBox;
      const x = Math.min(nodesBox.x, whole.x);
      const y = Math.min(nodesBox.y, whole.y);
      return { x, y, width: Math.max(nodesBox.x + nodesBox.width, whole.x + whole.width) - x, height: Math.max(nodesBox.y + nodesBox.height, whole.y + whole.height) - y };
    },
    [flow],
  );

  /** Fit, but never below a zoom where state names are legible; keep the overlays' corners free. */
  const mapRoomRef = useRef(0);
  mapRoomRef.current = mapShown && mapStyle ? mapStyle.width + MINIMAP_MARGIN : 0;
  const focusRef = useRef(focusState);
  focusRef.current = focusState;
  const openOnRef = useRef(openOn);
  openOnRef.current = openOn;
  /** The pane's edges the overlays take (px): the zoom buttons, the minimap when shown. */
  const overlayInsets = useCallback((): Insets => ({ ...INSETS, right: INSETS.right + mapRoomRef.current }), []);
  /** Frame the given states (a jump, a finding) at about their own size, clear of the overlays: centred, but
   * not past the drawing's edge (a state near the start is shown with the start above it, not empty canvas). */
  const frame = useCallback(
    (ids: string[], minZoom = MIN_READABLE_ZOOM) => {
      const box = pane.current?.getBoundingClientRect();
      const targets = ids.flatMap((id) => flow.getNode(id) ?? []);
      if (!box || box.width === 0 || targets.length === 0) return;
      const insets = overlayInsets();
      const target = flow.getNodesBounds(targets);
      const zoom = zoomToFrame(target, box, insets, FRAME_GAP, minZoom, 1);
      const centre = { x: target.x + target.width / 2, y: target.y + target.height / 2 };
      void flow.setViewport(viewportAt(boundsOf(flow.getNodes()), box, insets, centre, zoom), { duration: 300 });
    },
    [flow, overlayInsets, boundsOf],
  );
  /** What a reveal asked to frame as this canvas opened (the way back up from a map's iterator to the map state, a
   * state found in another machine): the views this canvas fits by itself (its first, its layout's arrival) frame
   * it, not the start — until the person moves the view or asks for another. */
  const opening = useRef<string[] | null>(null);
  /** Fit the view: readably (the first view, a state kept in view), or with `whole` the whole flow (Fit view). */
  const fitView = useCallback(
    (duration = 0, { keep, whole = false }: FitRequest = {}) => {
      const box = pane.current?.getBoundingClientRect();
      const shown = flow.getNodes();
      if (!box || box.width === 0 || shown.length === 0) return;
      const insets = overlayInsets();
      if (whole) {
        void flow.setViewport(wholeViewport(boundsOf(shown), box, insets, ANY_ZOOM), { duration });
        return;
      }
      const revealed = opening.current;
      if (revealed && keep === undefined) {
        frame(revealed, ANY_ZOOM);
        return;
      }
      const kept = keep === undefined ? undefined : flow.getNode(keep);
      if (kept) {
        const { x, y, zoom } = flow.getViewport();
        const at = { x: kept.position.x * zoom + x, y: kept.position.y * zoom + y, width: (kept.width ?? 0) * zoom, height: (kept.height ?? 0) * zoom };
        if (inClearView(at, box, insets)) return;
      }
      const bounds = boundsOf(shown);
      const framed = kept ? [] : (openOnRef.current ?? []).flatMap((id) => shown.find((n) => n.type === "state" && n.id === id) ?? []);
      if (framed.length > 0) {
        const targets = framed.map((n) => ({ x: n.position.x, y: n.position.y, width: n.width ?? 0, height: n.height ?? 0 }));
        void flow.setViewport(framedViewport(bounds, box, insets, targets, FRAME_GAP), { duration });
        return;
      }
      const wanted = kept ?? shown.find((n) => n.type === "state" && n.id === focusRef.current);
      const start = wanted ?? shown.find((n) => n.type === "state" && n.data.initial);
      const focus = start ? { x: start.position.x + (start.width ?? 0) / 2, y: start.position.y + (start.height ?? 0) / 2 } : null;
      void flow.setViewport(readableViewport(bounds, box, insets, focus), { duration });
    },
    [flow, overlayInsets, boundsOf, frame],
  );
  useEffect(() => {
    const onFit = (event: Event) => {
      opening.current = null;
      fitView(300, (event as CustomEvent<FitRequest | null>).detail ?? {});
    };
    window.addEventListener(FIT_EVENT, onFit);
    return () => window.removeEventListener(FIT_EVENT, onFit);
  }, [fitView]);
  // Turning the direction lays the flow out again in it and frames the new drawing as a first view is. A flow
  // without saved places is laid out for display (useSuggestedLayout.ts; its arrival is framed below); saved
  // places would stay where they are whatever the direction, so they are laid out again here and saved as one
  // edit, which Undo takes back together with the direction.
  const turning = useRef<{ from: object | undefined; to: Direction } | null>(null);
  const turn = useCallback(
    (next: Direction) => {
      opening.current = null;
      const before = direction;
      const saved = workflow.layout;
      const placed = Object.keys(workflow.states).some((id) => saved?.[id]);
      setLayoutDirection(next);
      // A page that cannot edit the flow keeps its saved places: it is laid out for viewing (useViewLayout.ts).
      if (viewOnly) {
        if (placed) setWanted(next);
        return;
      }
      if (!placed || !onMove) return;
      layOutFlow(workflow, next)
        .then(({ positions }) => {
          if (layoutDirection() !== next) return;
          if (saved) directionOfLayout.set(saved, before);
          turning.current = { from: saved, to: next };
          onMove(Object.fromEntries(Object.entries(positions).filter(([id]) => id in workflow.states)));
        })
        .catch(() => undefined);
    },
    [direction, workflow, viewOnly, onMove],
  );
  // The saved layout changed: the one the turn made (remember its direction, frame it), or one Undo or
  // Redo brought back (its direction with it). Not on the first drawing: a canvas opened again keeps the
  // direction the person has.
  const layoutBefore = useRef(workflow.layout);
  useEffect(() => {
    const layout = workflow.layout;
    if (layout === layoutBefore.current) return;
    layoutBefore.current = layout;
    const pending = turning.current;
    if (pending && layout && layout !== pending.from) {
      turning.current = null;
      directionOfLayout.set(layout, pending.to);
      window.setTimeout(() => fitView(300), 30);
      return;
    }
    const made = layout && directionOfLayout.get(layout);
    if (made && made !== layoutDirection()) {
      setLayoutDirection(made);
      window.setTimeout(() => fitView(300), 30);
    }
  }, [workflow.layout, fitView]);
  const smallText = useStore(namesTooSmall);

  const toggleMap = useCallback(() => {
    setMapWanted((shown) => {
      writeFlag(MINIMAP_KEY, !shown);
      return !shown;
    });
  }, []);

  const targets = useMemo(
    () => searchTargets(workflow, onFindElsewhere && everywhere ? { ...everywhere, root: drawable(everywhere.root) } : undefined),
    [workflow, everywhere, onFindElsewhere],
  );
  const jumpTo = useCallback(
    ({ id, scope }: SearchTarget) => {
      if (everywhere && onFindElsewhere && !sameScope(scope, everywhere.scope)) {
        onFindElsewhere(scope, id);
        return;
      }
      onSelect?.({ states: [id], transitions: [] });
      frame([id], 0.9);
    },
    [frame, onSelect, everywhere, onFindElsewhere],
  );

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
      if (node.type === "state" && (node.data.state.type === "parallel" || (node.data.state.type === "map" && node.data.state.iterator))) onOpen?.(node.id);
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

  const mounted = useRef(false);
  useEffect(() => {
    if (!reveal) return;
    const ids = new Set(reveal.states);
    for (const index of reveal.transitions) {
      const t = workflow.transitions[index];
      if (!t) continue;
      ids.add(t.dest);
      for (const s of Array.isArray(t.source) ? t.source : [t.source]) if (s in workflow.states) ids.add(s);
    }
    if (ids.size > 0) frame([...ids], ANY_ZOOM);
    // A canvas opening for it (its first effects run now) frames it again when its first fits come.
    if (!mounted.current && ids.size > 0) opening.current = [...ids];
    // Only a new request (nonce) should move the viewport, not every edit of the workflow.
  }, [reveal?.nonce]);
  useEffect(() => {
    mounted.current = true;
  }, []);
  /** The person moved the view (a move of the program's has no event): what was revealed is theirs to leave. */
  const onMoveStart = useCallback((event: MouseEvent | TouchEvent | null) => {
    if (event) opening.current = null;
  }, []);

  // A canvas opened on states (`openOn`) keeps them framed while the page settles around it (an instance's
  // timeline arriving below it makes it shorter): each change of its size frames them again, until the person
  // takes the view (a press, a wheel, a key in it).
  const framing = openOn !== undefined;
  useEffect(() => {
    const element = pane.current;
    if (!framing || !element) return;
    let size = `${element.clientWidth}x${element.clientHeight}`;
    let taken = false;
    const take = () => {
      taken = true;
    };
    const observer = new ResizeObserver(() => {
      const now = `${element.clientWidth}x${element.clientHeight}`;
      if (now === size) return;
      size = now;
      if (!taken) fitView();
    });
    observer.observe(element);
    for (const type of ["pointerdown", "wheel", "keydown"]) element.addEventListener(type, take, { capture: true });
    return () => {
      observer.disconnect();
      for (const type of ["pointerdown", "wheel", "keydown"]) element.removeEventListener(type, take, { capture: true });
    };
  }, [framing, fitView]);

  // The focus moved (an instance went on to another state): bring it into view if it is out of it, at the
  // zoom the reader chose; a focus already in view leaves the view where the reader put it.
  useEffect(() => {
    const node = focusState === undefined ? undefined : flow.getNode(focusState);
    const box = pane.current?.getBoundingClientRect();
    if (!node || !box || box.width === 0) return;
    const { x, y, zoom } = flow.getViewport();
    const [width, height] = [node.width ?? 0, node.height ?? 0];
    const at = { x: node.position.x * zoom + x, y: node.position.y * zoom + y, width: width * zoom, height: height * zoom };
    if (!inClearView(at, box, overlayInsets())) void flow.setCenter(node.position.x + width / 2, node.position.y + height / 2, { zoom, duration: 300 });
  }, [focusState, flow]);

  // When the layout's positions arrive after the first paint (or a read-only flow's, turned), frame the drawing
  // again (not for a state renamed, which keeps its place in the same drawing).
  useEffect(() => {
    if (shownLayout !== NO_POSITIONS && Object.keys(shownLayout).length > 0 && !isCarriedLayout(shownLayout)) {
      window.setTimeout(() => fitView(), 30);
    }
  }, [shownLayout, fitView]);

  const large = nodes.length >= VISIBLE_ONLY_FROM;
  // For tests and the benchmark: every state has its place (saved, or laid out), and the routes are in.
  const placed = Object.keys(drawn.states).every((id) => drawn.layout?.[id] || id in shownLayout);
  const layoutState = !placed ? "pending" : viewTurning || (needsLayout(drawn) && isInterimLayout(shownLayout)) ? "interim" : "ready";
  return (
    <div className="flow-canvas" data-testid={testId} data-direction={direction} data-layout={layoutState} data-routed={routings[0]?.direction === direction ? "true" : "false"} onDragOver={onDragOver} onDrop={onDrop}>
      {/* Before the diagram in the page, so the keyboard reaches the search before the states. */}
      <div className="canvas-bar-slot">
        <CanvasBar
          targets={targets}
          direction={direction}
          onDirection={turn}
          smallText={smallText}
          onJump={jumpTo}
          query={search}
          onQuery={onSearch}
          here={everywhere?.scope ?? ROOT}
          skipTo={skipTo}
          tangle={tangled && onTidy ? { text: tangleWords(tangled), onTidy, onKeep: keep } : undefined}
        />
      </div>
      <div className="flow-body">
        <div className="flow-area" ref={pane}>
        <GuardTexts.Provider value={guards}>
        <LabelPlaces.Provider value={labelPlaces}>
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
          edgesFocusable={false}
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={MULTI_SELECT_KEYS}
          zoomOnScroll
          panOnScroll={false}
          zoomOnPinch
          connectionRadius={40}
          onlyRenderVisibleElements={large}
          minZoom={ANY_ZOOM}
          maxZoom={2.5}
          onInit={() => fitView()}
          onMoveStart={onMoveStart}
          proOptions={PRO_OPTIONS}
        >
          <Background gap={24} size={1} />
          {mapShown && mapStyle && <StatesMiniMap nodeClassName={miniMapClass} style={mapStyle} />}
        </ReactFlow>
        </LabelPlaces.Provider>
        </GuardTexts.Provider>
        </div>
        {/* The zoom buttons in a strip of their own at the drawing's left, never over a state or a label (they once
            hid a label by the left edge); after the drawing in the page, so the keyboard reaches the states first. */}
        <div className="canvas-controls">
          <Controls showInteractive={false} showFitView={false}>
            <ControlButton onClick={() => fitView(300, { whole: true })} title="Show the whole flow" aria-label="Fit view" data-testid="canvas-fit">
              ⤢
            </ControlButton>
            {bigEnoughForMap && mapStyle && (
            <ControlButton
              onClick={toggleMap}
              title={mapShown ? "Hide the minimap" : "Show the minimap"}
              aria-label={mapShown ? "Hide the minimap" : "Show the minimap"}
              aria-pressed={mapShown}
              data-testid="toggle-minimap"
            >
              ▣
            </ControlButton>
            )}
          </Controls>
        </div>
      </div>
    </div>
  );
}

function readFlag(key: string, otherwise: boolean): boolean {
  try {
    const value = window.localStorage.getItem(key);
    return value === null ? otherwise : value === "1";
  } catch {
    return otherwise;
  }
}

function writeFlag(key: string, value: boolean): void {
  try {
    window.localStorage.setItem(key, value ? "1" : "0");
  } catch {
    // Storage refused (a private window): the choice lasts for this page.
  }
}

function miniMapClass(node: CanvasNode): string {
  if (node.type !== "state") return "mini-any";
  const mark = node.data.mark;
  return `mini-${lookOf(node.data.state)}${mark ? ` mini-mark-${mark}` : ""}`;
}

