// Busy states: a state that many states lead to (every task's `error` → `failed`, or one escalation step).
// Laid out with the others, each of those edges would cross every layer in between — the drawing is a fence
// of parallel lines, and ELK's time grows with the square of them: 48 states with 46 edges into `failed`
// took 28 s, 120 states with 30 edges into one step 82 s, and 150 with 60 overflowed its stack. So a busy
// final is laid out apart, in any flow: ELK places the rest, then the final goes beside the drawing, past its
// last source, and each edge into it runs from its source's exit into the gap after the source's layer, across
// to the final's column and on into its entry — forwards, and through no state. That is what the server does
// for a big flow (designer/canvas_layout.py, the same thresholds); a big flow with a busy state other than a
// final is laid out there, and by ELK with that state set apart only if the server cannot.
import type { Position, Workflow } from "../model/workflow";
import { ANY_SOURCE } from "../model/workflow";
import { canvasEdges, nodeSize, type EdgeRoute, type LaidOut } from "./elkLayout";
import type { Direction } from "./layoutDirection";

/** From this many states on, a busy state other than a final sends the flow to the server. */
const BIG_FLOW = 60;
const BUSY_FAN_IN = 8;
/** The spacing ELK keeps (elkLayout.ts): between nodes of a layer, and between layers. */
const NODE_GAP = 36;
const LAYER_GAP = 56;

/** The busy states of a flow: the finals (at any size), and the others (in a flow over BIG_FLOW states). */
export function busyStates(workflow: Workflow): { finals: ReadonlySet<string>; others: ReadonlySet<string> } {
  const finals = new Set<string>();
  const others = new Set<string>();
  const fanIn = new Map<string, number>();
  for (const t of workflow.transitions) {
    const sources = t.source === ANY_SOURCE ? 1 : Array.isArray(t.source) ? t.source.length : 1;
    fanIn.set(t.dest, (fanIn.get(t.dest) ?? 0) + sources);
  }
  const big = Object.keys(workflow.states).length > BIG_FLOW;
  for (const [id, count] of fanIn) {
    const type = workflow.states[id]?.type;
    if (count < BUSY_FAN_IN || !type) continue;
    if (type === "final") finals.add(id);
    else if (big) others.add(id);
  }
  return { finals, others };
}

/** Add the states `apart` (laid out without them) to a layout: each in its own column right of the drawing
 * (its own row below it, when left to right), one layer gap past the far end of its last source; each edge
 * into one routed through the gap after its source's layer. Their edges out are left without a route. */
export function setApart(laid: LaidOut, workflow: Workflow, apart: ReadonlySet<string>, direction: Direction): LaidOut {
  if (!apart.size) return laid;
  const flip = direction === "LR";
  // (x, y) to (across, along) the layout's axis, and back: the same swap, or none, both ways
  const turn = (p: Position): Position => (flip ? { x: p.y, y: p.x } : p);
  const size = (id: string) => {
    const s = nodeSize(workflow, id);
    return turn({ x: s.width, y: s.height });
  };
  const corner = new Map(Object.entries(laid.positions).map(([id, p]) => [id, turn(p)]));
  let across = Math.max(0, ...[...corner].map(([id, c]) => c.x + size(id).x)) + NODE_GAP;
  const first = Math.min(...[...corner.values()].map((c) => c.y), Infinity);
  const positions = { ...laid.positions };
  const routes = { ...laid.routes };
  const edges = canvasEdges(workflow);
  for (const id of Object.keys(workflow.states).filter((s) => apart.has(s))) {
    const into = edges.filter((e) => e.dest === id && corner.has(e.source));
    const ends = into.map((e) => corner.get(e.source)!.y + size(e.source).y);
    const along = ends.length ? Math.max(...ends) + LAYER_GAP : Number.isFinite(first) ? first : 0;
    positions[id] = turn({ x: Math.round(across), y: Math.round(along) });
    const middle = across + size(id).x / 2;
    for (const e of into) {
      const c = corner.get(e.source)!;
      const s = size(e.source);
      const exit = { x: c.x + s.x / 2, y: c.y + s.y };
      const turnAt = exit.y + LAYER_GAP / 2;
      const points = [exit, { x: exit.x, y: turnAt }, { x: middle, y: turnAt }, { x: middle, y: along }];
      routes[e.id] = { points: points.map(turn), label: null } satisfies EdgeRoute;
    }
    across += size(id).x + NODE_GAP;
  }
  return { positions, routes };
}
