// The publish dialog's change list with the states renamed in the draft told as renames: a rename (kyc_check →
// kyc_screening) is one change, "State kyc_check renamed to kyc_screening", not the state removed and another
// added, with each of its transitions removed and added again. A transition that only follows its state's new id
// is no change of its own; one that also changed otherwise is listed as changed, with what changed.
import type { Diff, TransitionChange, TransitionDiffEntry } from "../api/types";

export interface RenamedDiff extends Diff {
  /** The states renamed: old id → new id. */
  renamed: [string, string][];
}

type Json = Record<string, unknown>;

/** A transition as written, its empty fields (null, {}, []) left out: the published version writes them out. */
function written(t: Json): Json {
  return Object.fromEntries(
    Object.entries(t).filter(([, v]) => !(v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0))),
  );
}

function renamedIn(t: Json, renames: Readonly<Record<string, string>>): Json {
  const rename = (id: unknown) => (typeof id === "string" ? renames[id] ?? id : id);
  const source = Array.isArray(t.source) ? t.source.map(rename) : rename(t.source);
  return { ...t, source, dest: rename(t.dest) };
}

const ends = (t: Json) => JSON.stringify([t.source, t.trigger ?? null, t.dest]);

/** `diff` with the states `renames` names (old id → new id; those the diff has as removed and added) as renames. */
export function withRenames(diff: Diff, renames: Readonly<Record<string, string>>): RenamedDiff {
  const pairs = Object.entries(renames).filter(([from, to]) => diff.states.removed.includes(from) && diff.states.added.includes(to));
  if (pairs.length === 0) return { ...diff, renamed: [] };
  const applied = Object.fromEntries(pairs);
  const added = [...diff.transitions.added];
  const removed: TransitionDiffEntry[] = [];
  const changed: TransitionChange[] = [...diff.transitions.changed];
  for (const gone of diff.transitions.removed) {
    const before = written(renamedIn(gone.transition, applied));
    const same = added.findIndex((a) => ends(written(a.transition)) === ends(before));
    if (same < 0) {
      removed.push(gone);
      continue;
    }
    const [now] = added.splice(same, 1);
    const after = written(now!.transition);
    const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
    if (fields.length > 0) changed.push({ key: now!.key, index_before: gone.index, index_after: now!.index, fields, before: gone.transition, after: now!.transition });
  }
  return {
    ...diff,
    renamed: pairs,
    states: {
      ...diff.states,
      added: diff.states.added.filter((s) => !pairs.some(([, to]) => to === s)),
      removed: diff.states.removed.filter((s) => !(s in applied)),
    },
    transitions: { ...diff.transitions, added, removed, changed },
  };
}
