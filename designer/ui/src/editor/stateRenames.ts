// The states a draft renamed since the published version, for the migration of the instances that run it: the
// state map is filled with them (old → new) before anyone is asked. Renaming a state (its Id in the Inspector)
// changes nothing but its id — everything that names it follows (edits.ts) — and no record of it is kept beside
// the draft, so a rename is recognised from the two versions: a state the draft no longer has, and one it has
// anew that is the same state under another id. Only an unmistakable pair counts; anything else stays for the
// person to map.
import { canonical, withoutDefaults, type FieldDefaults } from "../model/defaults";
import type { State, Workflow } from "../model/workflow";

/** Kinds of states no instance waits in: a choice decides at once, and a final state ends the instance. */
const PASSING = new Set(["choice", "final"]);

/** The state as a rename leaves it: everything but its title and description (words that may be touched up in
 * the same draft), and nothing the model fills in (`defaults`: a published version has them written out, a
 * draft imported or pasted mostly not), its keys in one order. */
function fingerprint(state: State, defaults: FieldDefaults): string {
  const rest = Object.fromEntries(Object.entries(state).filter(([key]) => key !== "title" && key !== "description"));
  return canonical(withoutDefaults(rest, defaults) ?? {});
}

/** {old id: new id} for each state of `published` that `draft` lacks and has, the same state, under exactly one
 * new id (and no other state it lacks is the same): the renames to map running instances by. `defaults`: the
 * model's (`fieldDefaults` of the workflow's JSON Schema). */
export function renamedStates(published: Workflow, draft: Workflow, defaults: FieldDefaults): Record<string, string> {
  const before = published.states ?? {};
  const after = draft.states ?? {};
  const gone = Object.keys(before).filter((id) => !(id in after) && !PASSING.has(before[id]!.type));
  const added = Object.keys(after).filter((id) => !(id in before) && !PASSING.has(after[id]!.type));
  const goneBy = group(gone, (id) => fingerprint(before[id]!, defaults));
  const addedBy = group(added, (id) => fingerprint(after[id]!, defaults));
  const renames: Record<string, string> = {};
  for (const [print, olds] of goneBy) {
    const news = addedBy.get(print) ?? [];
    if (olds.length === 1 && news.length === 1) renames[olds[0]!] = news[0]!;
  }
  return renames;
}

function group(ids: string[], key: (id: string) => string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const id of ids) found.set(key(id), [...(found.get(key(id)) ?? []), id]);
  return found;
}
