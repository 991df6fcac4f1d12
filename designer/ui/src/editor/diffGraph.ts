// A visual diff: one diagram holding both versions — the newer one as drawn, plus what the older one had
// and the newer lost — with added, removed and changed states and transitions marked.
import type { Diff } from "../api/types";
import type { Transition, Workflow } from "../model/workflow";
import type { Mark, Marks } from "./marks";

export interface DiffGraph {
  workflow: Workflow;
  marks: Marks;
}

export function diffGraph(before: Workflow, after: Workflow, diff: Diff): DiffGraph {
  const states = { ...after.states };
  const layout = { ...(after.layout ?? {}) };
  const stateMarks = new Map<string, Mark>();
  for (const id of diff.states.added) stateMarks.set(id, "added");
  for (const change of diff.states.changed) stateMarks.set(change.id, "changed");
  for (const id of diff.states.removed) {
    const state = before.states[id];
    if (!state) continue;
    states[id] = state;
    const pos = before.layout?.[id];
    if (pos) layout[id] = pos;
    stateMarks.set(id, "removed");
  }
  const transitions: Transition[] = [...after.transitions];
  const transitionMarks = new Map<number, Mark>();
  for (const added of diff.transitions.added) transitionMarks.set(added.index, "added");
  for (const changed of diff.transitions.changed) transitionMarks.set(changed.index_after, "changed");
  for (const removed of diff.transitions.removed) {
    const t = before.transitions[removed.index];
    if (!t) continue;
    transitionMarks.set(transitions.length, "removed");
    transitions.push(t);
  }
  return {
    workflow: { ...after, states, transitions, layout },
    marks: { states: stateMarks, transitions: transitionMarks },
  };
}
