// The states a draft renamed since the published version, for the migration of the instances that run it: the
// state map is filled with them (old → new) before anyone is asked. Renaming a state (its Id in the Inspector)
// changes nothing but its id — everything that names it follows (edits.ts) — and no record of it is kept beside
// the draft, so a rename is recognised from the two versions: a state the draft no longer has, and one it has
// anew that is the same state under another id. Only an unmistakable pair counts; anything else stays for the
// person to map.
import type { State, Workflow } from "../model/workflow";

/** Kinds of states no instance waits in: a choice decides at once, and a final state ends the instance. */
const PASSING = new Set(["choice", "final"]);

/** The state as a rename leaves it: everything but its title and description (words that may be touched up in
 * the same draft), its keys in one order. */
function fingerprint(state: State): string {
  const rest = Object.fromEntries(Object.entries(state).filter(([key]) => key !== "title" && key !== "description"));
  return canonical(rest);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** {old id: new id} for each state of `published` that `draft` lacks and has, the same state, under exactly one
 * new id (and no other state it lacks is the same): the renames to map running instances by. */
export function renamedStates(published: Workflow, draft: Workflow): Record<string, string> {
  const before = published.states ?? {};
  const after = draft.states ?? {};
  const gone = Object.keys(before).filter((id) => !(id in after) && !PASSING.has(before[id]!.type));
  const added = Object.keys(after).filter((id) => !(id in before) && !PASSING.has(after[id]!.type));
  const goneBy = group(gone, (id) => fingerprint(before[id]!));
  const addedBy = group(added, (id) => fingerprint(after[id]!));
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
