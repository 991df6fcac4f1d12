// The minimap, with every state drawn at least MIN_PX screen pixels wide and tall. React Flow's minimap
// scales the whole flow into its box: a 300-state flow laid out as a column some 36,000 px tall makes each
// state 0.45 x 0.16 px there, and Chromium, drawing the minimap with crisp edges, paints nothing that small —
// the minimap was an empty grey box. Here a state too small to see is drawn as a MIN_PX square (or bar) on
// its centre; a state big enough keeps its exact box, so a small flow's minimap is as before.
import { MiniMap, useStore, type MiniMapNodeProps, type MiniMapProps, type ReactFlowState } from "@xyflow/react";
import { createContext, memo, useContext, type CSSProperties } from "react";
import type { CanvasNode } from "../canvasGraph";

const MIN_PX = 2;
/** The minimap's size on an ordinary canvas, and on a narrow or low one (in a 1024 px window the full size took a
 * quarter of the canvas' width, over its states); on a smaller canvas still there is none. */
const FULL_SIZE = { width: 150, height: 100 };
const SMALL_SIZE = { width: 96, height: 64 };
const FULL_FROM = { width: 680, height: 380 };
const SMALL_FROM = { width: 400, height: 240 };
/** The margin React Flow keeps round the flow in its minimap (its `offsetScale`, left at its default). */
const MARGIN_PX = 5;
/** The smallest size, in flow units, that comes out MIN_PX on screen (0 until the map knows its scale). */
const SmallestDrawn = createContext(0);

export interface StatesMiniMapProps {
  style: { width: number; height: number };
  nodeClassName: MiniMapProps<CanvasNode>["nodeClassName"];
}

export default function StatesMiniMap({ style, nodeClassName }: StatesMiniMapProps) {
  const smallest = useStore((s: ReactFlowState) => smallestDrawn(s, style));
  return (
    <SmallestDrawn.Provider value={smallest}>
      <MiniMap<CanvasNode> pannable zoomable ariaLabel="Minimap of the workflow" nodeClassName={nodeClassName} nodeComponent={MiniMapState} style={style} />
    </SmallestDrawn.Provider>
  );
}

/** The minimap's size for the pane React Flow measured, or null where the canvas is too small for one. */
export function minimapStyle(s: ReactFlowState): { width: number; height: number } | null {
  if (s.width >= FULL_FROM.width && s.height >= FULL_FROM.height) return FULL_SIZE;
  if (s.width >= SMALL_FROM.width && s.height >= SMALL_FROM.height) return SMALL_SIZE;
  // Not measured yet (0 x 0): the full size, as before the pane is known.
  return s.width === 0 && s.height === 0 ? FULL_SIZE : null;
}

/**
 * MIN_PX in flow units at the minimap's scale, which React Flow takes from the nodes' bounds joined with
 * the part of the flow in view, fitted into the minimap's box with a margin. Rounded up to a power of √2,
 * so that panning and dragging, which move those bounds a little, do not redraw every state of the minimap.
 */
function smallestDrawn(s: ReactFlowState, box: { width: number; height: number }): number {
  const [tx, ty, zoom] = s.transform;
  let left = -tx / zoom;
  let top = -ty / zoom;
  let right = left + s.width / zoom;
  let bottom = top + s.height / zoom;
  for (const node of s.nodeLookup.values()) {
    if (node.hidden) continue;
    const { x, y } = node.internals.positionAbsolute;
    left = Math.min(left, x);
    top = Math.min(top, y);
    right = Math.max(right, x + (node.measured.width ?? node.width ?? 0));
    bottom = Math.max(bottom, y + (node.measured.height ?? node.height ?? 0));
  }
  const fitted = Math.max((right - left) / box.width, (bottom - top) / box.height);
  const scale = fitted * (1 + (2 * MARGIN_PX) / Math.min(box.width, box.height));
  if (!(scale > 0) || !Number.isFinite(scale)) return 0;
  return Math.SQRT2 ** Math.ceil(2 * Math.log2(MIN_PX * scale));
}

/** One state in the minimap: its box, or a MIN_PX mark on its centre where the box would be too small.
 * (The canvas passes no node click handler to the minimap, so none is wired here.) */
const MiniMapState = memo(function MiniMapState(props: MiniMapNodeProps) {
  const { x, y, width, height, className, selected, borderRadius, shapeRendering, color, strokeColor, strokeWidth, style } = props;
  const smallest = useContext(SmallestDrawn);
  const w = Math.max(width, smallest);
  const h = Math.max(height, smallest);
  const enlarged = w > width || h > height;
  const fill = color ?? style?.background ?? style?.backgroundColor;
  const look: CSSProperties = { fill: typeof fill === "string" ? fill : undefined, stroke: strokeColor, strokeWidth };
  return (
    <rect
      className={`react-flow__minimap-node${selected ? " selected" : ""} ${className}`}
      x={x - (w - width) / 2}
      y={y - (h - height) / 2}
      width={w}
      height={h}
      rx={enlarged ? 0 : borderRadius}
      ry={enlarged ? 0 : borderRadius}
      style={look}
      shapeRendering={shapeRendering}
    />
  );
});
