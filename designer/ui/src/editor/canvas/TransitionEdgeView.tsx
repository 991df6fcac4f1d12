// One transition, with its trigger and guard as the label (a long guard cut where it differs from its
// siblings', see guardTexts.ts; whole in the tooltip, and on the label while the transition is selected): along ELK's orthogonal route while both its
// states stay where the layout put them; otherwise (a state was moved) in right-angled steps between the
// handles. Edges joining the same two states are then fanned apart; a transition back to its own state
// is drawn as a loop.
import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, useStore, type EdgeProps, type ReactFlowState } from "@xyflow/react";
import { memo, useContext, type CSSProperties } from "react";
import type { Position } from "../../model/workflow";
import type { TransitionEdge } from "../canvasGraph";
import type { EdgeRoute } from "../elkLayout";
import { INVOLVED } from "../marks";
import { GuardTexts } from "./guardTexts";

const FAN_SPACING = 46;
/** How far (px) the handle may sit from the route's end (the handle is drawn just outside the border). */
const SNAP = 10;
const CORNER = 8;
/** Below this zoom labels are unreadable anyway; leaving them out keeps large flows fast. */
const LABEL_MIN_ZOOM = 0.4;
const labelsReadable = (s: ReactFlowState) => s.transform[2] >= LABEL_MIN_ZOOM;
/** A selected transition's label shows its whole guard, wrapped, over its neighbours. */
const WHOLE_LABEL: CSSProperties = { maxWidth: 420, whiteSpace: "normal", zIndex: 1 };
const WHOLE_GUARD: CSSProperties = { whiteSpace: "normal", overflowWrap: "anywhere" };

function TransitionEdgeView(props: EdgeProps<TransitionEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd } = props;
  const showLabel = useStore(labelsReadable) || Boolean(selected || data?.mark || data?.involved);
  const guards = useContext(GuardTexts);
  if (!data) return null;
  const routed = data.route && snapped(data.route, { x: sourceX, y: sourceY }, { x: targetX, y: targetY });
  const [path, labelX, labelY] = routed
    ? routed
    : props.source === props.target
      ? selfLoop(sourceX, sourceY, targetX, targetY)
      : fanned(sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data);
  const alsoShown = data.involved && !selected;
  const classes = ["transition-label", data.mark ? `mark-${data.mark}` : "", selected ? "selected" : "", alsoShown ? "involved" : ""];
  const { trigger, guard, description } = data.transition;
  const shownGuard = guard && !selected ? (guards.get(data.index) ?? guard) : guard;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} interactionWidth={18} className={data.mark ? `edge-${data.mark}` : ""} />
      {showLabel && (
      <EdgeLabelRenderer>
        <div
          className={classes.filter(Boolean).join(" ")}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`, ...(selected ? WHOLE_LABEL : null) }}
          data-testid={`transition-${data.index}`}
          data-edge-id={id}
          data-mark={data.mark ?? ""}
          data-involved={alsoShown ? "true" : undefined}
          title={[data.label, description, alsoShown ? INVOLVED : ""].filter(Boolean).join("\n")}
        >
          {trigger ? <span className="trigger">{trigger}</span> : null}
          {data.transition.errors?.length ? <span className="errors" data-testid={`transition-${data.index}-errors`}>({data.transition.errors.join(" | ")})</span> : null}
          {guard ? <span className="guard" style={selected ? WHOLE_GUARD : undefined}>[{shownGuard}]</span> : null}
          {!trigger && !guard ? <span className="auto">auto</span> : null}
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
  if (offset === 0 && !backwards(sx, sy, tx, ty, sourcePosition)) {
    const [path, lx, ly] = getSmoothStepPath({ sourceX: sx, sourceY: sy, targetX: tx, targetY: ty, sourcePosition, targetPosition, borderRadius: CORNER });
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

/** An edge leaving a node's exit for a node behind it would cut through both: bend it aside. */
function backwards(sx: number, sy: number, tx: number, ty: number, side: EdgeProps["sourcePosition"]): boolean {
  return side === "right" ? tx < sx - 20 : ty < sy - 20;
}

/** The route with its ends moved onto the handles (keeping its first and last legs straight), or null
 * when a handle is too far from where the route was laid — its state has been moved. */
function snapped(route: EdgeRoute, source: Position, target: Position): [string, number, number] | null {
  const points = route.points.map((p) => ({ ...p }));
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || points.length < 2) return null;
  if (Math.hypot(first.x - source.x, first.y - source.y) > SNAP || Math.hypot(last.x - target.x, last.y - target.y) > SNAP) return null;
  const move = (end: Position, next: Position | undefined, to: Position) => {
    if (next && next !== end && points.length > 2) {
      if (next.x === end.x) next.x = to.x;
      if (next.y === end.y) next.y = to.y;
    }
    end.x = to.x;
    end.y = to.y;
  };
  move(first, points[1], source);
  move(last, points[points.length - 2], target);
  const middle = points[Math.floor((points.length - 1) / 2)]!;
  const after = points[Math.floor((points.length - 1) / 2) + 1] ?? middle;
  const label = route.label ?? { x: (middle.x + after.x) / 2, y: (middle.y + after.y) / 2 };
  return [roundedPath(points), label.x, label.y];
}

/** A polyline with its corners rounded. */
function roundedPath(points: Position[]): string {
  let d = `M ${points[0]!.x},${points[0]!.y}`;
  for (let i = 1; i < points.length - 1; i += 1) {
    const [a, b, c] = [points[i - 1]!, points[i]!, points[i + 1]!];
    const r = Math.min(CORNER, Math.hypot(b.x - a.x, b.y - a.y) / 2, Math.hypot(c.x - b.x, c.y - b.y) / 2);
    const towards = (from: Position, to: Position) => {
      const length = Math.hypot(to.x - from.x, to.y - from.y) || 1;
      return { x: from.x + ((to.x - from.x) / length) * r, y: from.y + ((to.y - from.y) / length) * r };
    };
    const p1 = towards(b, a);
    const p2 = towards(b, c);
    d += ` L ${p1.x},${p1.y} Q ${b.x},${b.y} ${p2.x},${p2.y}`;
  }
  const end = points[points.length - 1]!;
  return `${d} L ${end.x},${end.y}`;
}

function selfLoop(sx: number, sy: number, tx: number, ty: number): [string, number, number] {
  const right = Math.max(sx, tx) + 110;
  const path = `M ${sx},${sy} C ${sx + 40},${sy + 70} ${right},${sy + 40} ${right},${(sy + ty) / 2} S ${tx + 40},${ty - 70} ${tx},${ty}`;
  return [path, right, (sy + ty) / 2];
}

export default memo(TransitionEdgeView);
