// One transition: a curve with its trigger and guard as the label. Edges joining the same two states are
// fanned apart; a transition back to its own state is drawn as a loop.
import { BaseEdge, EdgeLabelRenderer, getBezierPath, useStore, type EdgeProps, type ReactFlowState } from "@xyflow/react";
import { memo } from "react";
import type { TransitionEdge } from "../canvasGraph";

const FAN_SPACING = 46;
/** Below this zoom labels are unreadable anyway; leaving them out keeps large flows fast. */
const LABEL_MIN_ZOOM = 0.4;
const labelsReadable = (s: ReactFlowState) => s.transform[2] >= LABEL_MIN_ZOOM;

function TransitionEdgeView(props: EdgeProps<TransitionEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd } = props;
  const showLabel = useStore(labelsReadable) || Boolean(selected || data?.mark);
  if (!data) return null;
  const [path, labelX, labelY] =
    props.source === props.target
      ? selfLoop(sourceX, sourceY, targetX, targetY)
      : fanned(sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data);
  const classes = ["transition-label", data.mark ? `mark-${data.mark}` : "", selected ? "selected" : ""];
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} interactionWidth={18} className={data.mark ? `edge-${data.mark}` : ""} />
      {showLabel && (
      <EdgeLabelRenderer>
        <div
          className={classes.filter(Boolean).join(" ")}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          data-testid={`transition-${data.index}`}
          data-edge-id={id}
          data-mark={data.mark ?? ""}
          title={data.transition.description ?? data.label}
        >
          {data.transition.trigger ? <span className="trigger">{data.transition.trigger}</span> : null}
          {data.transition.guard ? <span className="guard">[{data.transition.guard}]</span> : null}
          {!data.transition.trigger && !data.transition.guard ? <span className="auto">auto</span> : null}
          {data.transition.priority ? <span className="priority">p{data.transition.priority}</span> : null}
        </div>
      </EdgeLabelRenderer>
      )}
    </>
  );
}

function fanned(
  sx: number,
  sy: number,
  tx: number,
  ty: number,
  sourcePosition: EdgeProps["sourcePosition"],
  targetPosition: EdgeProps["targetPosition"],
  data: NonNullable<TransitionEdge["data"]>,
): [string, number, number] {
  const offset = (data.siblingIndex - (data.siblingCount - 1) / 2) * FAN_SPACING * (data.reversed ? -1 : 1);
  if (offset === 0 && !backwards(sy, ty)) {
    const [path, lx, ly] = getBezierPath({ sourceX: sx, sourceY: sy, targetX: tx, targetY: ty, sourcePosition, targetPosition });
    return [path, lx, ly];
  }
  // A curve through a point pushed sideways from the middle: through (mx, my) at t = 1/2.
  const dx = tx - sx;
  const dy = ty - sy;
  const length = Math.hypot(dx, dy) || 1;
  const push = offset !== 0 ? offset : Math.min(120, 40 + length / 6);
  const mx = (sx + tx) / 2 + (-dy / length) * push;
  const my = (sy + ty) / 2 + (dx / length) * push;
  const cx = 2 * mx - (sx + tx) / 2;
  const cy = 2 * my - (sy + ty) / 2;
  return [`M ${sx},${sy} Q ${cx},${cy} ${tx},${ty}`, mx, my];
}

/** An edge leaving a node's bottom for a node above it would cut through both: bend it aside. */
function backwards(sy: number, ty: number): boolean {
  return ty < sy - 20;
}

function selfLoop(sx: number, sy: number, tx: number, ty: number): [string, number, number] {
  const right = Math.max(sx, tx) + 110;
  const path = `M ${sx},${sy} C ${sx + 40},${sy + 70} ${right},${sy + 40} ${right},${(sy + ty) / 2} S ${tx + 40},${ty - 70} ${tx},${ty}`;
  return [path, right, (sy + ty) / 2];
}

export default memo(TransitionEdgeView);
