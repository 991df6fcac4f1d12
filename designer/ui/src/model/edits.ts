// Pure edits of a workflow: each takes a workflow and returns a new one, sharing what did not change.
// The editor records every result in its undo history; nothing here knows about React or the canvas.
import { renameInDocument, renameInMachine, type RenamedExpression } from "./expressionRename";
import { freshId } from "./ids";
import { everyState, machineAt, ROOT, SEPARATOR, withMachineAt, type Scope } from "./scope";
import { newState } from "./stateTemplates";
import type { Position, State, StateType, Transition, Workflow } from "./workflow";
import { ANY_SOURCE } from "./workflow";

export function addState(workflow: Workflow, type: StateType, position: Position): [Workflow, string] {
  const id = freshId(type, workflow.states);
  const states = { ...workflow.states, [id]: newState(type) };
  const layout = { ...(workflow.layout ?? {}), [id]: roundPosition(position) };
  const initial = workflow.initial || id;
  return [{ ...workflow, states, layout, initial }, id];
}

export function updateState(workflow: Workflow, id: string, state: State): Workflow {
  if (!(id in workflow.states)) return workflow;
  return { ...workflow, states: { ...workflow.states, [id]: state } };
}

/** Rename a state everywhere it is named: the states map (keeping order), transitions, layout (its branches'
 * states' positions too), initial. */
export function renameState(workflow: Workflow, from: string, to: string): Workflow {
  if (from === to || !(from in workflow.states) || to in workflow.states) return workflow;
  const states: Record<string, State> = {};
  for (const [id, state] of Object.entries(workflow.states)) states[id === from ? to : id] = state;
  const rename = (id: string) => (id === from ? to : id);
  const transitions = workflow.transitions.map((t) => {
    const source = Array.isArray(t.source) ? t.source.map(rename) : rename(t.source);
    const changed = source !== t.source || t.dest === from || (Array.isArray(t.source) && t.source.includes(from));
    return changed ? { ...t, source, dest: rename(t.dest) } : t;
  });
  const layout: Record<string, Position> = {};
  for (const [key, pos] of Object.entries(workflow.layout ?? {})) {
    const [owner, ...inside] = key.split(SEPARATOR);
    layout[[rename(owner!), ...inside].join(SEPARATOR)] = pos;
  }
  return { ...workflow, states, transitions, layout, initial: rename(workflow.initial ?? "") };
}

/** Rename a state of the machine at `scope` everywhere the document names it, as one new document (one undo
 * step): in its machine (see `renameState`), in policies' `applies_at` (which may name a state of any machine,
 * so an entry is left alone while another state still has the old id, and 'start' is always the start), for a
 * state of the workflow itself in examples' `expect_state`, and in CEL expressions that write its id as text
 * (expressionRename.ts: everywhere, or only in its own machine while another state still has the old id).
 * Returns the new document and the expressions it changed, for saying so. */
export function renameStateIn(root: Workflow, scope: Scope, from: string, to: string): { workflow: Workflow; expressions: RenamedExpression[] } {
  const unchanged = { workflow: root, expressions: [] };
  const machine = machineAt(root, scope);
  if (!machine) return unchanged;
  const renamed = renameState(machine, from, to);
  if (renamed === machine) return unchanged;
  const moved = withMachineAt(root, scope, renamed);
  const otherNamed = everyState(moved).some((placed) => placed.id === from);
  let next: Workflow;
  let expressions: RenamedExpression[];
  if (otherNamed) {
    const inMachine = renameInMachine(moved, scope, renamed, from, to);
    next = inMachine.machine === renamed ? moved : withMachineAt(root, scope, inMachine.machine);
    expressions = inMachine.renamed;
  } else {
    ({ workflow: next, renamed: expressions } = renameInDocument(moved, from, to));
  }
  // 'start' in `applies_at` is the instance's start, whatever a state is called.
  const stillNamed = from === APPLIES_AT_START || otherNamed;
  const policies = stillNamed ? next.policies : next.policies?.map((policy) => renameAppliesAt(policy, from, to));
  const examples = scope.length === ROOT.length ? next.examples?.map((example) => (example.expect_state === from ? { ...example, expect_state: to } : example)) : next.examples;
  return { workflow: { ...next, ...(policies ? { policies } : {}), ...(examples ? { examples } : {}) }, expressions };
}

const APPLIES_AT_START = "start";

function renameAppliesAt(policy: unknown, from: string, to: string): unknown {
  if (typeof policy !== "object" || policy === null) return policy;
  const places = (policy as { applies_at?: unknown }).applies_at;
  if (!Array.isArray(places) || !places.includes(from)) return policy;
  return { ...policy, applies_at: places.map((place) => (place === from ? to : place)) };
}

/** Remove states (and every transition touching them) and transitions by index. */
export function removeElements(workflow: Workflow, stateIds: Iterable<string>, transitionIndexes: Iterable<number>): Workflow {
  const gone = new Set(stateIds);
  const goneEdges = new Set(transitionIndexes);
  const states: Record<string, State> = {};
  for (const [id, state] of Object.entries(workflow.states)) if (!gone.has(id)) states[id] = state;
  const transitions: Transition[] = [];
  workflow.transitions.forEach((t, index) => {
    if (goneEdges.has(index) || gone.has(t.dest)) return;
    if (Array.isArray(t.source)) {
      const kept = t.source.filter((s) => !gone.has(s));
      if (kept.length === 0) return;
      transitions.push(kept.length === t.source.length ? t : { ...t, source: kept.length === 1 ? kept[0]! : kept });
    } else if (t.source === ANY_SOURCE || !gone.has(t.source)) {
      transitions.push(t);
    }
  });
  const layout: Record<string, Position> = {};
  for (const [key, pos] of Object.entries(workflow.layout ?? {})) if (!gone.has(key.split(SEPARATOR)[0]!)) layout[key] = pos;
  // The start state removed: no other is chosen in its place (the first left could be any, a final state even).
  // The flow is left without one, which validation names, until the analyst chooses (see DraftEditor's notice).
  const initial = gone.has(workflow.initial ?? "") ? "" : workflow.initial;
  return { ...workflow, states, transitions, layout, initial };
}

/** The transitions `removeElements` takes away with the states beyond those asked for by index: every one into
 * a removed state, and every one out of removed states only (one with other sources too is kept, less them). */
export function transitionsRemovedWith(workflow: Workflow, stateIds: Iterable<string>, transitionIndexes: Iterable<number>): number[] {
  const gone = new Set(stateIds);
  const asked = new Set(transitionIndexes);
  const removed: number[] = [];
  workflow.transitions.forEach((t, index) => {
    if (asked.has(index)) return;
    const sources = t.source === ANY_SOURCE ? [] : Array.isArray(t.source) ? t.source : [t.source];
    if (gone.has(t.dest) || (sources.length > 0 && sources.every((s) => gone.has(s)))) removed.push(index);
  });
  return removed;
}

export function addTransition(workflow: Workflow, source: string, dest: string): [Workflow, number] {
  const from = workflow.states[source];
  const transition: Transition = { source, dest, ...defaultTrigger(from, workflow, source) };
  return [{ ...workflow, transitions: [...workflow.transitions, transition] }, workflow.transitions.length];
}

/** The trigger a new transition most likely wants, given what its source state already has. */
function defaultTrigger(state: State | undefined, workflow: Workflow, source: string): Partial<Transition> {
  if (!state) return {};
  const used = new Set(
    workflow.transitions.filter((t) => t.source === source).map((t) => t.trigger ?? ""),
  );
  const pick = (options: string[]) => options.find((o) => !used.has(o)) ?? options[0]!;
  switch (state.type) {
    case "task":
    case "parallel":
    case "subflow":
    case "map":
      return { trigger: pick(["done", "error"]) };
    case "approval":
      return { trigger: pick(["approve", "reject", "timeout"]) };
    case "wait":
      return { trigger: pick(state.event ? ["done", "timeout"] : ["done"]) };
    default:
      return {};
  }
}

export function updateTransition(workflow: Workflow, index: number, transition: Transition): Workflow {
  if (index < 0 || index >= workflow.transitions.length) return workflow;
  const transitions = workflow.transitions.slice();
  transitions[index] = transition;
  return { ...workflow, transitions };
}

export function moveStates(workflow: Workflow, moved: Record<string, Position>): Workflow {
  const layout = { ...(workflow.layout ?? {}) };
  for (const [id, pos] of Object.entries(moved)) layout[id] = roundPosition(pos);
  return { ...workflow, layout };
}

/** Replace the layout of the states (auto-layout): every state gets a position; branches keep theirs. */
export function setLayout(workflow: Workflow, layout: Record<string, Position>): Workflow {
  const next: Record<string, Position> = {};
  for (const [key, pos] of Object.entries(workflow.layout ?? {})) if (key.includes(SEPARATOR)) next[key] = pos;
  for (const [id, pos] of Object.entries(layout)) if (id in workflow.states) next[id] = roundPosition(pos);
  return { ...workflow, layout: next };
}

export function setInitial(workflow: Workflow, id: string): Workflow {
  return id in workflow.states ? { ...workflow, initial: id } : workflow;
}

export function roundPosition(pos: Position): Position {
  return { x: Math.round(pos.x), y: Math.round(pos.y) };
}

/** Drop empty optional values so the JSON stays as small as a person would write it. */
export function pruneEmpty<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v) && v.length === 0 && key !== "branches") continue;
    if (typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0) continue;
    out[key] = v;
  }
  return out as T;
}
