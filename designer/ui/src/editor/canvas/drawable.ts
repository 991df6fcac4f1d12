// The machine as the canvas can draw it. A draft being edited need not be valid, and the JSON view takes any
// JSON object with `states` and `transitions` (document.ts): a transition's `errors` typed as "timeout" instead of
// ["timeout"], a `source` of 5, a title that is an object. Validation names each of those with its place in the
// Problems panel; the canvas must go on drawing the rest meanwhile (one such field used to throw while drawing
// and blank the whole designer). Here every field the canvas reads is of the type it must be: a field of another
// type is left out of the drawing (never out of the document, which is what is saved and validated), and a
// transition whose source or destination is not a state id is not drawn, as one naming no state is not.
import type { Branch, MapIterator, State, Transition, Workflow } from "../../model/workflow";

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === "string";
const textOrNone = (value: unknown) => value === undefined || value === null || isText(value);
const isTexts = (value: unknown): value is string[] => Array.isArray(value) && value.every(isText);

/** What each field the canvas reads must be; a field not listed is not read, and kept as it is. */
const TRANSITION_FIELDS: Record<string, (value: unknown) => boolean> = {
  trigger: textOrNone,
  guard: textOrNone,
  description: textOrNone,
  id: textOrNone,
  errors: isTexts,
  priority: (v) => typeof v === "number",
  assign: (v) => isRecord(v) && Object.values(v).every(isText),
};

const STATE_FIELDS: Record<string, (value: unknown) => boolean> = {
  type: isText,
  title: textOrNone,
  description: textOrNone,
  action: textOrNone,
  agent: textOrNone,
  duration: textOrNone,
  deadline: textOrNone,
  items: textOrNone,
  workflow: textOrNone,
  outcome: textOrNone,
  version: (v) => v === null || typeof v === "number",
  max_concurrency: (v) => typeof v === "number",
  approvers: (v) => isRecord(v) && (v.roles === undefined || isTexts(v.roles)) && (v.users === undefined || isTexts(v.users)),
  event: (v) => v === null || (isRecord(v) && textOrNone(v.type)),
};

/** `value` without its fields that fail their check (the same object when none does). */
function checked<T extends object>(value: T, fields: Record<string, (value: unknown) => boolean>): T {
  const wrong = Object.entries(value).filter(([key, v]) => v !== undefined && key in fields && !fields[key]!(v));
  if (wrong.length === 0) return value;
  const kept: Json = { ...(value as Json) };
  for (const [key] of wrong) delete kept[key];
  return kept as T;
}

/** Not a state id: a transition from or to it is not drawn. */
const NO_STATE = "";

function drawableTransition(t: Transition): Transition {
  const fields = checked(t, TRANSITION_FIELDS);
  const source = isText(t.source) ? t.source : Array.isArray(t.source) ? t.source.filter(isText) : NO_STATE;
  const sourceOk = isText(t.source) || (Array.isArray(t.source) && source.length === t.source.length && source.length > 0);
  const destOk = isText(t.dest);
  if (fields === t && sourceOk && destOk) return t;
  return { ...fields, source: Array.isArray(source) && source.length === 0 ? NO_STATE : source, dest: destOk ? t.dest : NO_STATE };
}

function drawableMachine<T extends { states?: unknown; transitions?: unknown }>(machine: T): T & { states: Record<string, State>; transitions: Transition[] } {
  const states = isRecord(machine.states) ? machine.states : {};
  const transitions = Array.isArray(machine.transitions) ? machine.transitions : [];
  let changed = states !== machine.states || transitions !== machine.transitions;
  const drawnStates: Record<string, State> = {};
  for (const [id, state] of Object.entries(states)) {
    // A state that is not an object is refused before it gets here (document.ts).
    const drawn = isRecord(state) ? drawableState(state as unknown as State) : ({ type: "task" } as State);
    drawnStates[id] = drawn;
    changed ||= drawn !== state;
  }
  const drawnTransitions = transitions.map((t) => (isRecord(t) ? drawableTransition(t as unknown as Transition) : { source: NO_STATE, dest: NO_STATE }));
  changed ||= drawnTransitions.some((t, i) => t !== transitions[i]);
  return changed ? { ...machine, states: drawnStates, transitions: drawnTransitions } : (machine as T & { states: Record<string, State>; transitions: Transition[] });
}

function drawableState(state: State): State {
  let drawn = checked(state, STATE_FIELDS);
  if (state.branches !== undefined) {
    const branches = Array.isArray(state.branches) ? state.branches.filter(isRecord).map((b) => drawableBranch(b as unknown as Branch)) : [];
    if (!Array.isArray(state.branches) || branches.length !== state.branches.length || branches.some((b, i) => b !== state.branches![i])) drawn = { ...drawn, branches };
  }
  if (state.iterator !== undefined && state.iterator !== null) {
    const iterator = isRecord(state.iterator) ? drawableMachine(state.iterator as MapIterator) : null;
    if (iterator !== state.iterator) drawn = { ...drawn, iterator };
  }
  return drawn;
}

function drawableBranch(branch: Branch): Branch {
  const drawn = drawableMachine(branch);
  return isText(drawn.name) ? drawn : { ...drawn, name: String(drawn.name ?? "") };
}

/** The workflow (or branch) with every field the canvas reads of its type: the same object when all are. */
export function drawable(workflow: Workflow): Workflow {
  return drawableMachine(workflow);
}
