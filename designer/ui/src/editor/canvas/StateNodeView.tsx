// One state on the canvas, drawn by its type, with its entry and exit handles on the layout's axis. Memoised: it renders again only when its node object
// changes, and canvasGraph.ts keeps node objects identical while their state is unchanged.
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { Fragment, memo, type ReactNode } from "react";
import type { StateNode } from "../canvasGraph";
import { INVOLVED, MARK_LABELS } from "../marks";
import { splitAtBreaks, stateBox } from "../stateBox";
import { LOOKS, lookOf, stateSummary } from "../stateStyle";

function StateNodeView({ data, selected }: NodeProps<StateNode>) {
  const { stateId, state, initial, mark, heat, involved, editable, direction } = data;
  const [entry, exit] = direction === "LR" ? [Position.Left, Position.Right] : [Position.Top, Position.Bottom];
  const look = lookOf(state);
  const style = LOOKS[look];
  const box = stateBox(state, stateId);
  const title = state.title || stateId;
  const summary = stateSummary(state);
  const classes = ["state-node", `look-${look}`, mark ? `mark-${mark}` : "", selected ? "selected" : "", involved && !selected ? "involved" : ""];
  const described = [style.label, initial ? "initial state" : "", mark ? MARK_LABELS[mark] : "", involved && !selected ? INVOLVED : ""].filter(Boolean);
  return (
    <div
      className={classes.filter(Boolean).join(" ")}
      style={{ width: box.width, height: box.height }}
      data-testid={`state-${stateId}`}
      data-state-type={state.type}
      data-mark={mark ?? ""}
      data-involved={involved && !selected ? "true" : undefined}
      title={`${title === stateId ? stateId : `${title} (${stateId})`} — ${described.join(", ")}`}
    >
      <Handle type="target" position={entry} className="handle handle-target" isConnectable={editable} />
      <ShapeOutline look={look} />
      <div className="state-node-body">
        <div className="state-node-heading">
          <span className="state-icon" aria-hidden="true">
            {style.icon}
          </span>
          <span className="state-title" style={{ maxWidth: box.titleWidth, WebkitLineClamp: box.titleLines, ...(box.titleScale < 1 ? { fontSize: `${12.5 * box.titleScale}px` } : null) }} data-lines={box.titleLines}>
            {breakableIds(title)}
          </span>
        </div>
        {title !== stateId && <div className="state-id" title={stateId}>{stateId}</div>}
        {summary && <div className="state-summary" title={summary}>{summary}</div>}
      </div>
      {initial && (
        <span className="state-initial" title="initial state">
          start
        </span>
      )}
      {heat && (
        <span className="state-heat" style={{ background: heatColour(heat.level) }} data-testid={`heat-${stateId}`} data-level={heat.level.toFixed(2)}>
          {heat.label}
        </span>
      )}
      {mark && (mark === "error" || mark === "warning") && (
        <span className={`state-badge badge-${mark}`} aria-label={MARK_LABELS[mark]}>
          {mark === "error" ? "!" : "?"}
        </span>
      )}
      {look !== "final-success" && look !== "final-failure" && (
        <Handle
          type="source"
          position={exit}
          className="handle handle-source"
          isConnectable={editable}
          data-testid={`handle-${stateId}`}
        />
      )}
    </div>
  );
}

/** Pale yellow for the least, deep orange-red for the most. */
function heatColour(level: number): string {
  const t = Math.min(1, Math.max(0, level));
  return `hsl(${Math.round(50 - 45 * t)}, 95%, ${Math.round(85 - 30 * t)}%)`;
}

/** Shapes CSS borders cannot draw — diamond, hexagon, ellipse — as an SVG behind the text. */
function ShapeOutline({ look }: { look: string }) {
  if (look === "choice") {
    return (
      <svg className="shape-outline" viewBox="0 0 160 80" preserveAspectRatio="none" aria-hidden="true">
        <polygon points="80,2 158,40 80,78 2,40" />
      </svg>
    );
  }
  if (look === "approval") {
    return (
      <svg className="shape-outline" viewBox="0 0 200 68" preserveAspectRatio="none" aria-hidden="true">
        <polygon points="22,2 178,2 198,34 178,66 22,66 2,34" />
      </svg>
    );
  }
  if (look === "wait") {
    return (
      <svg className="shape-outline" viewBox="0 0 190 68" preserveAspectRatio="none" aria-hidden="true">
        <ellipse cx="95" cy="34" rx="93" ry="32" />
      </svg>
    );
  }
  return null;
}

export default memo(StateNodeView);

/** The title with a break allowed after each underscore and dot (as stateBox counts its lines): an id such as
 * `collect_documents` wraps as "collect_ / documents", not "collect_documen / ts". */
function breakableIds(title: string): ReactNode {
  if (!/[_.]/.test(title)) return title;
  return title.split(/(\s+)/).map((word, i) =>
    /\s/.test(word) ? word : splitAtBreaks(word).map((part, j) => (
      <Fragment key={`${i}-${j}`}>
        {j > 0 && <wbr />}
        {part}
      </Fragment>
    )),
  );
}
