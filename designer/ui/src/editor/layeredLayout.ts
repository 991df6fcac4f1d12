// A layered arrangement computed in the browser, for when the server's Graphviz layout cannot be had (the
// endpoint is unavailable, or the draft does not load yet): states in rows by their distance from the
// initial state, each row ordered by where its predecessors are, unreachable states in a last row.
import type { Position, Workflow } from "../model/workflow";
import { transitionSources } from "../model/workflow";
import { stateBox } from "./stateBox";

const COLUMN = 250;
/** Rows at least this far apart, further when a wrapped title makes a state taller (stateBox.ts). */
const ROW_MIN = 150;
const ROW_GAP = 60;

export function layeredLayout(workflow: Workflow): Record<string, Position> {
  const ids = Object.keys(workflow.states);
  const next = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const t of workflow.transitions) {
    for (const s of transitionSources(t, workflow)) if (next.has(s) && next.has(t.dest) && s !== t.dest) next.get(s)!.push(t.dest);
  }
  const depth = new Map<string, number>();
  const start = workflow.initial && next.has(workflow.initial) ? workflow.initial : ids[0];
  const queue = start ? [start] : [];
  if (start) depth.set(start, 0);
  while (queue.length) {
    const id = queue.shift()!;
    for (const to of next.get(id) ?? []) {
      if (!depth.has(to)) {
        depth.set(to, depth.get(id)! + 1);
        queue.push(to);
      }
    }
  }
  const lastRow = Math.max(-1, ...depth.values()) + 1;
  const ROW = Math.max(ROW_MIN, ...ids.map((id) => stateBox(workflow.states[id], id).height + ROW_GAP));
  const rows = new Map<number, string[]>();
  for (const id of ids) {
    const row = depth.get(id) ?? lastRow;
    rows.set(row, [...(rows.get(row) ?? []), id]);
  }
  const column = new Map<string, number>();
  const positions: Record<string, Position> = {};
  for (const row of [...rows.keys()].sort((a, b) => a - b)) {
    const members = rows.get(row)!;
    // Under their parents: order by the mean column of the states leading here.
    const weight = (id: string) => {
      const parents = ids.filter((p) => column.has(p) && next.get(p)!.includes(id)).map((p) => column.get(p)!);
      return parents.length ? parents.reduce((a, b) => a + b, 0) / parents.length : Number.MAX_SAFE_INTEGER;
    };
    members.sort((a, b) => weight(a) - weight(b));
    members.forEach((id, index) => {
      const x = (index - (members.length - 1) / 2) * COLUMN;
      column.set(id, x);
      const look = stateBox(workflow.states[id], id);
      positions[id] = { x: Math.round(x - look.width / 2), y: row * ROW };
    });
  }
  return positions;
}
