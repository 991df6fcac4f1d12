// Where the editor is inside a workflow: the top level, or a parallel state's branch or a map state's
// iterator (and branches of branches). A branch is shown and edited as a workflow-shaped machine read out of the one document and
// written back into it. Branch positions live in the document's one `layout`, keyed by qualified ids as the
// server's renderers name them (`review/legal/check` is state `check` of branch `legal` of `review`);
// identifiers cannot contain '/', so they never collide with top-level ids.
import type { Branch, Position, State, Workflow } from "./workflow";

export interface ScopeStep {
  /** The parallel state, an id of the machine one level up. */
  state: string;
  /** The index of the branch in that state's `branches`, or ITERATOR for a map state's iterator. */
  branch: number;
}

/** The `branch` of a scope step into a map state's iterator (named `iterator`, as the renderers name it). */
export const ITERATOR = -1;
const ITERATOR_NAME = "iterator";

export type Scope = readonly ScopeStep[];

export const ROOT: Scope = [];

export const SEPARATOR = "/";

function branchOf(machine: Workflow, step: ScopeStep): Branch | undefined {
  const state = machine.states[step.state];
  if (step.branch === ITERATOR) return state?.type === "map" && state.iterator ? { ...state.iterator, name: ITERATOR_NAME } : undefined;
  return state?.branches?.[step.branch];
}

function branchMachine(branch: Branch): Workflow {
  const { states, transitions, ...rest } = branch;
  return { ...rest, states: states ?? {}, transitions: transitions ?? [] };
}

/** The machine at `scope` (without its layout) and its states' qualified-id prefix ('' at the top level,
 * `review/legal/` in a branch), or null when the scope names a branch that is not there. */
function walk(root: Workflow, scope: Scope): { machine: Workflow; prefix: string } | null {
  let machine = root;
  let prefix = "";
  for (const step of scope) {
    const branch = branchOf(machine, step);
    if (!branch) return null;
    machine = branchMachine(branch);
    prefix += `${step.state}${SEPARATOR}${branch.name}${SEPARATOR}`;
  }
  return { machine, prefix };
}

/** The prefix of the qualified ids of the states at `scope` ('' at the top level), null when it is gone. */
export function qualifiedPrefix(root: Workflow, scope: Scope): string | null {
  return walk(root, scope)?.prefix ?? null;
}

/** The machine shown at `scope`: the workflow itself at the top level, or null when the scope is gone. */
export function machineAt(root: Workflow, scope: Scope): Workflow | null {
  if (scope.length === 0) return root;
  const found = walk(root, scope);
  if (!found) return null;
  const layout: Record<string, Position> = {};
  for (const [key, pos] of Object.entries(root.layout ?? {})) if (key.startsWith(found.prefix)) layout[key.slice(found.prefix.length)] = pos;
  return { ...found.machine, layout };
}

/** The document with the machine at `scope` replaced by `machine` (as `machineAt` gave it, then edited). */
export function withMachineAt(root: Workflow, scope: Scope, machine: Workflow): Workflow {
  if (scope.length === 0) return machine;
  const before = walk(root, scope)?.prefix;
  if (before === undefined) return root;
  const next = replaceBranch(root, scope, machine);
  const after = walk(next, scope)!.prefix;
  const layout: Record<string, Position> = {};
  for (const [key, pos] of Object.entries(root.layout ?? {})) if (!key.startsWith(before)) layout[key] = pos;
  for (const [key, pos] of Object.entries(machine.layout ?? {})) layout[after + key] = pos;
  return { ...next, layout };
}

function replaceBranch(machine: Workflow, scope: Scope, replacement: Workflow): Workflow {
  const [step, ...deeper] = scope;
  if (!step) return replacement;
  const parallel = machine.states[step.state]!;
  if (step.branch === ITERATOR) {
    const { name: _name, ...iterator } = asBranch(replaceBranch(branchMachine(branchOf(machine, step)!), deeper, replacement));
    return { ...machine, states: { ...machine.states, [step.state]: { ...parallel, iterator } } };
  }
  const branches = parallel.branches!.slice();
  branches[step.branch] = asBranch(replaceBranch(branchMachine(branches[step.branch]!), deeper, replacement));
  const state: State = { ...parallel, branches };
  return { ...machine, states: { ...machine.states, [step.state]: state } };
}

function asBranch(machine: Workflow): Branch {
  const { layout: _layout, ...branch } = machine;
  return branch as unknown as Branch;
}

/** The longest part of `scope` that still exists in `root` (after an undo removed a branch, say). */
export function existingScope(root: Workflow, scope: Scope): Scope {
  let n = scope.length;
  while (n > 0 && walk(root, scope.slice(0, n)) === null) n -= 1;
  return n === scope.length ? scope : scope.slice(0, n);
}

export function sameScope(a: Scope, b: Scope): boolean {
  return a.length === b.length && a.every((step, i) => step.state === b[i]!.state && step.branch === b[i]!.branch);
}

/** The JSON pointer of a scope's machine: '' at the top level, `/states/review/branches/0` in a branch. */
export function scopePointer(scope: Scope): string {
  return scope.map((s) => `/states/${s.state.replace(/~/g, "~0").replace(/\//g, "~1")}/${s.branch === ITERATOR ? ITERATOR_NAME : `branches/${s.branch}`}`).join("");
}

/** The deepest scope a JSON pointer points into (`/states/review/branches/0/states/x` → review's branch 0). */
export function scopeOfPointer(pointer: string): Scope {
  const tokens = pointer.split("/").slice(1).map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
  const scope: ScopeStep[] = [];
  let i = 0;
  while (i + 2 < tokens.length && tokens[i] === "states") {
    if (tokens[i + 2] === ITERATOR_NAME) {
      scope.push({ state: tokens[i + 1]!, branch: ITERATOR });
      i += 3;
    } else if (i + 3 < tokens.length && tokens[i + 2] === "branches" && /^\d+$/.test(tokens[i + 3]!)) {
      scope.push({ state: tokens[i + 1]!, branch: Number(tokens[i + 3]) });
      i += 4;
    } else break;
  }
  return scope;
}

/** Where a scope is, for people: `review › legal` (the parallel state, then the branch's name), or null at the
 * top level or when the scope is gone. */
export function describeScope(root: Workflow, scope: Scope): string | null {
  if (scope.length === 0) return null;
  const parts: string[] = [];
  let machine = root;
  for (const step of scope) {
    const branch = branchOf(machine, step);
    if (!branch) return null;
    parts.push(step.state, step.branch === ITERATOR ? "for each item" : branch.name);
    machine = branchMachine(branch);
  }
  return parts.join(" › ");
}

/** A state somewhere in the document: its id in its machine, and the scope of that machine. */
export interface PlacedState {
  scope: Scope;
  id: string;
  state: State;
}

/** Every state of the document, depth first: the top level's, then each inside a parallel state's branches
 * or a map state's iterator (and deeper), right after the state that holds them. */
export function everyState(root: Workflow): PlacedState[] {
  const found: PlacedState[] = [];
  const visit = (machine: Workflow, scope: Scope) => {
    for (const [id, state] of Object.entries(machine.states)) {
      found.push({ scope, id, state });
      const steps: ScopeStep[] = (state.branches ?? []).map((_, branch) => ({ state: id, branch }));
      if (state.type === "map" && state.iterator) steps.push({ state: id, branch: ITERATOR });
      for (const step of steps) {
        const branch = branchOf(machine, step);
        if (branch) visit(branchMachine(branch), [...scope, step]);
      }
    }
  };
  visit(root, ROOT);
  return found;
}
