// Copy and paste of a selection: the states, the transitions between them and their positions, as JSON
// text (so it also survives a trip through the system clipboard between two browser tabs).
import { copyId } from "./ids";
import type { Position, State, Transition, Workflow } from "./workflow";

export interface Fragment {
  kind: "statewright-fragment";
  states: Record<string, State>;
  transitions: Transition[];
  layout: Record<string, Position>;
}

/** The selected states, and every transition whose ends are both among them. */
export function copyFragment(workflow: Workflow, stateIds: Iterable<string>): Fragment {
  const ids = new Set([...stateIds].filter((id) => id in workflow.states));
  const states: Record<string, State> = {};
  const layout: Record<string, Position> = {};
  for (const id of ids) {
    states[id] = workflow.states[id]!;
    const pos = workflow.layout?.[id];
    if (pos) layout[id] = pos;
  }
  const transitions = workflow.transitions.filter((t) => {
    const sources = Array.isArray(t.source) ? t.source : [t.source];
    return sources.every((s) => ids.has(s)) && ids.has(t.dest);
  });
  return { kind: "statewright-fragment", states, transitions, layout };
}

export function parseFragment(text: string): Fragment | null {
  try {
    const value = JSON.parse(text) as Partial<Fragment>;
    if (value.kind === "statewright-fragment" && value.states && typeof value.states === "object") {
      return { kind: value.kind, states: value.states, transitions: value.transitions ?? [], layout: value.layout ?? {} };
    }
  } catch {
    // Not ours: pasting arbitrary text onto the canvas does nothing.
  }
  return null;
}

/** Paste a fragment: ids that clash get a `_copy` suffix, positions shift so the copy is visible. */
export function pasteFragment(workflow: Workflow, fragment: Fragment, offset: Position): [Workflow, string[]] {
  const taken = new Set(Object.keys(workflow.states));
  const renamed = new Map<string, string>();
  for (const id of Object.keys(fragment.states)) {
    const next = taken.has(id) ? copyId(id, taken) : id;
    taken.add(next);
    renamed.set(id, next);
  }
  const rename = (id: string) => renamed.get(id) ?? id;
  const states = { ...workflow.states };
  const layout = { ...(workflow.layout ?? {}) };
  for (const [id, state] of Object.entries(fragment.states)) {
    states[rename(id)] = state;
    const pos = fragment.layout[id] ?? { x: 0, y: 0 };
    layout[rename(id)] = { x: Math.round(pos.x + offset.x), y: Math.round(pos.y + offset.y) };
  }
  // A pasted transition loses its optional `id`: ids name one transition and the original keeps it.
  const pasted = fragment.transitions.map((t) =>
    withoutId({ ...t, source: Array.isArray(t.source) ? t.source.map(rename) : rename(t.source), dest: rename(t.dest) }),
  );
  const transitions = [...workflow.transitions, ...pasted];
  const initial = workflow.initial || [...renamed.values()][0] || "";
  return [{ ...workflow, states, transitions, layout, initial }, [...renamed.values()]];
}

function withoutId(t: Transition): Transition {
  const { id: _id, ...rest } = t;
  return rest;
}
