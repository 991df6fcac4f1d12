// One transition, with its trigger and guard as the label (a long guard cut where it differs from its
// siblings', see guardTexts.ts; whole in the tooltip, and on the label while the transition is selected), drawn
// as edgeShape.ts lays its line: along ELK's orthogonal route while both its states stay where the layout put
// them, otherwise in right-angled steps between the handles (fanned apart, or a loop). The label sits in the
// line's middle, or where the canvas moved it along the line to keep it off other labels and states
// (edgeLabels.ts).
import { BaseEdge, EdgeLabelRenderer, useStore, type EdgeProps } from "@xyflow/react";
import { memo, useContext, type CSSProperties } from "react";
import type { TransitionEdge } from "../canvasGraph";
import { INVOLVED } from "../marks";
import { LabelPlaces, labelsReadable } from "./edgeLabels";
import { edgeShape } from "./edgeShape";
import { GuardTexts } from "./guardTexts";

/** A selected transition's label shows its whole guard, wrapped, over its neighbours. */
const WHOLE_LABEL: CSSProperties = { maxWidth: 420, whiteSpace: "normal", zIndex: 1 };
const WHOLE_GUARD: CSSProperties = { whiteSpace: "normal", overflowWrap: "anywhere" };
/** How far (px) the label's place worked out by the canvas may be from this edge's own: further, its line moved
 * since (a state is being dragged), and the label stays in its line's middle until the drag ends. */
const SAME_PLACE = 4;

function TransitionEdgeView(props: EdgeProps<TransitionEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, data, selected, markerEnd } = props;
  const showLabel = useStore(labelsReadable) || Boolean(selected || data?.mark || data?.involved);
  const guards = useContext(GuardTexts);
  const places = useContext(LabelPlaces);
  if (!data) return null;
  const shape = edgeShape({
    source: { x: sourceX, y: sourceY },
    target: { x: targetX, y: targetY },
    sourceSide: sourcePosition,
    loop: props.source === props.target,
    route: data.route,
    siblingIndex: data.siblingIndex,
    siblingCount: data.siblingCount,
    reversed: data.reversed,
  });
  const path = shape.path;
  const place = places.get(id);
  const holds = place && Math.hypot(place.from.x - shape.label.x, place.from.y - shape.label.y) <= SAME_PLACE;
  const labelX = holds ? shape.label.x + place.at.x - place.from.x : shape.label.x;
  const labelY = holds ? shape.label.y + place.at.y - place.from.y : shape.label.y;
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
          {Array.isArray(data.transition.errors) && data.transition.errors.length ? <span className="errors" data-testid={`transition-${data.index}-errors`}>({data.transition.errors.join(" | ")})</span> : null}
          {guard ? <span className="guard" style={selected ? WHOLE_GUARD : undefined}>[{shownGuard}]</span> : null}
          {!trigger && !guard ? <span className="auto">auto</span> : null}
          {data.transition.priority ? <span className="priority">p{data.transition.priority}</span> : null}
        </div>
      </EdgeLabelRenderer>
      )}
    </>
  );
}

export default memo(TransitionEdgeView);
