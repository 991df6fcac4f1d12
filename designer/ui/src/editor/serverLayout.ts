// Graphviz positions from the server, fitted to the canvas' node sizes: each node keeps the centre
// Graphviz gave it, and the drawing is spread out just enough that the (larger) canvas nodes do not overlap.
import type { Layout } from "../api/types";
import type { Position, Workflow } from "../model/workflow";
import { LOOKS, lookOf } from "./stateStyle";

const MAX_SPREAD = 1.8;

export function fitLayout(workflow: Workflow, layout: Layout): Record<string, Position> {
  let spreadX = 1;
  let spreadY = 1;
  for (const [id, box] of Object.entries(layout.states)) {
    const look = LOOKS[lookOf(workflow.states[id])];
    if (box.width > 0) spreadX = Math.max(spreadX, (look.width + 24) / (box.width + 24));
    if (box.height > 0) spreadY = Math.max(spreadY, (look.height + 40) / (box.height + 40));
  }
  spreadX = Math.min(spreadX, MAX_SPREAD);
  spreadY = Math.min(spreadY, MAX_SPREAD);
  const positions: Record<string, Position> = {};
  for (const [id, box] of Object.entries(layout.states)) {
    if (!(id in workflow.states)) continue;
    const look = LOOKS[lookOf(workflow.states[id])];
    const cx = (box.x + box.width / 2) * spreadX;
    const cy = (box.y + box.height / 2) * spreadY;
    positions[id] = { x: Math.round(cx - look.width / 2), y: Math.round(cy - look.height / 2) };
  }
  return positions;
}

/** True when some state has no saved position (a file written by hand, or states added in the JSON). */
export function needsLayout(workflow: Workflow): boolean {
  return Object.keys(workflow.states).some((id) => !workflow.layout?.[id]);
}

/** The boxes of one branch's states, by their own ids, out of the layout of the whole workflow. */
export function layoutWithin(layout: Layout, prefix: string): Layout {
  const states: Layout["states"] = {};
  for (const [qid, box] of Object.entries(layout.states)) {
    const id = qid.slice(prefix.length);
    if (qid.startsWith(prefix) && !id.includes("/")) states[id] = box;
  }
  return { ...layout, states };
}
