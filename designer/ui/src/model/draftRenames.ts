// The states a tab renamed, for combining two tabs' versions of a draft (draftMerge.ts). A rename takes a state's
// id away and gives the same state a new one, its transitions, its position and the expressions naming it going
// along (edits.ts, renameStateIn); compared id by id it reads as a state removed and another added, so a rename in
// one tab with an edit or a move of that state in the other lost the edit or the move, and two tabs renaming one
// state differently kept both copies, stacked at one spot. Here each side's renames are found and done again on
// the version both were made from and on the other side, so that the states are compared under one id; a state
// the two renamed differently, or that one renamed and the other removed, is named as an overlap.
import { sameJson } from "./document";
import { renameStateIn } from "./edits";
import { describeScope, ITERATOR, machineAt, qualifiedPrefix, type Scope } from "./scope";
import type { Transition, Workflow } from "./workflow";

export interface Rebased {
  base: Workflow;
  mine: Workflow;
  theirs: Workflow;
  /** The places both changed that the renames make (two renames of one state, a rename and a removal). */
  overlaps: string[];
  /** How a state renamed on one side is named to the person, by its new id at its scope (`scopeKey`). */
  names: Map<string, string>;
}

/** The key of a state at a scope, as `Rebased.names` holds it. */
export const scopeKey = (scope: Scope, id: string): string => JSON.stringify([scope, id]);

type Side = "yours" | "theirs";

/** Every side's renames done on the other side and the base as well, machine by machine from the top level. */
export function rebaseRenames(base: Workflow, mine: Workflow, theirs: Workflow): Rebased {
  const done: Rebased = { base, mine, theirs, overlaps: [], names: new Map() };
  const visit = (scope: Scope) => {
    renamesAt(done, scope);
    for (const inner of innerScopes(done, scope)) visit(inner);
  };
  visit([]);
  return done;
}

function renamesAt(done: Rebased, scope: Scope): void {
  const machines = { base: machineAt(done.base, scope), mine: machineAt(done.mine, scope), theirs: machineAt(done.theirs, scope) };
  if (!machines.base || !machines.mine || !machines.theirs) return;
  const ours = renamesIn(done.base, done.mine, scope);
  const others = renamesIn(done.base, done.theirs, scope);
  const where = describeScope(done.base, scope);
  const name = (id: string) => `state “${id}”${where ? ` in ${where}` : ""}`;
  const rename = (doc: Workflow, from: string, to: string) => renameStateIn(doc, scope, from, to).workflow;
  for (const from of new Set([...ours.keys(), ...others.keys()])) {
    const [yours, theirs] = [ours.get(from), others.get(from)];
    const to = (yours ?? theirs)!;
    const other: Side = yours === undefined ? "yours" : "theirs";
    const otherDoc = other === "yours" ? done.mine : done.theirs;
    const otherStates = machineAt(otherDoc, scope)!.states;
    if (yours !== undefined && theirs !== undefined && yours !== theirs) {
      done.overlaps.push(`${name(from)}: renamed “${yours}” in yours, “${theirs}” in theirs`);
      done.theirs = rename(done.theirs, theirs, yours); // one id from here on: the rename is the only overlap named
    } else if (yours === undefined || theirs === undefined) {
      const renamedIn: Side = other === "yours" ? "theirs" : "yours";
      if (!(from in otherStates)) {
        done.overlaps.push(`${name(from)}: renamed “${to}” in ${renamedIn}, removed in ${other}`);
      } else if (to in otherStates) {
        done.overlaps.push(`${name(from)}: renamed “${to}” in ${renamedIn}, while ${other} added another “${to}”`);
        continue;
      } else if (other === "yours") done.mine = rename(done.mine, from, to);
      else done.theirs = rename(done.theirs, from, to);
      done.names.set(scopeKey(scope, to), `${name(to)} (renamed from “${from}” in ${renamedIn})`);
    }
    done.base = rename(done.base, from, to);
  }
}

/** The states of the machine at `scope` that `side` renamed since `base`: old id → new id. A state of the base
 * the side does not have was renamed to a state new on the side when the base, renamed the same way, has that
 * state as the side has it and at the same place on the canvas or with the same transitions — or of the same
 * type, at the same place and with the same transitions (renamed, then edited). A state removed and another
 * added is not taken for a rename: the removal took its transitions, and the new one has a place of its own. */
export function renamesIn(base: Workflow, side: Workflow, scope: Scope): Map<string, string> {
  const renames = new Map<string, string>();
  const was = machineAt(base, scope);
  const now = machineAt(side, scope);
  if (!was || !now) return renames;
  const gone = Object.keys(was.states).filter((id) => !(id in now.states));
  const added = Object.keys(now.states).filter((id) => !(id in was.states));
  for (const from of gone) {
    const to = added.find((id) => ![...renames.values()].includes(id) && looksRenamed(base, side, scope, from, id));
    if (to !== undefined) renames.set(from, to);
  }
  return renames;
}

function looksRenamed(base: Workflow, side: Workflow, scope: Scope, from: string, to: string): boolean {
  const renamedDoc = renameStateIn(base, scope, from, to).workflow;
  const [renamed, now] = [machineAt(renamedDoc, scope), machineAt(side, scope)];
  const before = renamed?.states[to];
  const after = now?.states[to];
  if (!before || !after) return false;
  const touching = (list: readonly Transition[]) => list.filter((t) => t.dest === to || t.source === to || (Array.isArray(t.source) && t.source.includes(to)));
  const lines = touching(renamed.transitions);
  const sameLines = lines.length > 0 && sameJson(lines, touching(now.transitions));
  const placeOf = (doc: Workflow) => doc.layout?.[`${qualifiedPrefix(doc, scope) ?? ""}${to}`];
  const samePlace = placeOf(renamedDoc) !== undefined && sameJson(placeOf(renamedDoc), placeOf(side));
  if (sameJson(before, after)) return sameLines || samePlace;
  return before.type === after.type && sameLines && samePlace;
}

/** The branches (and iterators) of the states of the machine at `scope` that all three versions have, by the
 * same index and name. */
function innerScopes(done: Rebased, scope: Scope): Scope[] {
  const machines = [done.base, done.mine, done.theirs].map((doc) => machineAt(doc, scope));
  const [base] = machines;
  if (!base || machines.some((m) => !m)) return [];
  const inner: Scope[] = [];
  for (const id of Object.keys(base.states)) {
    const states = machines.map((m) => m!.states[id]);
    if (states.some((s) => typeof s !== "object" || s === null)) continue;
    const branches = states.map((s) => (Array.isArray(s!.branches) ? s!.branches : []));
    branches[0]!.forEach((branch, index) => {
      if (branches.every((list) => typeof list[index]?.name === "string" && list[index]?.name === branch?.name)) inner.push([...scope, { state: id, branch: index }]);
    });
    if (states.every((s) => s!.type === "map" && typeof s!.iterator === "object" && s!.iterator !== null)) inner.push([...scope, { state: id, branch: ITERATOR }]);
  }
  return inner;
}
