// Combining this tab's changes to a draft with the version saved meanwhile elsewhere (another tab, someone
// else): a three-way merge of the JSON documents. `base` is the version both were made from (the revision this
// tab loaded or last saved), `mine` this tab's document, `theirs` the revision now saved. Where only one side
// changed a part, that side's is taken; where both changed the same part differently, the place is named in
// words a person recognises ("state “flag”: title") and nothing is combined.
//
// The parts: each top-level field; each state by id, field by field; each position on the canvas by state; each
// transition as a whole — by its `id` when it has one, else by its place in the list, which is only the same
// transition when no list (base, mine, theirs) changed its length.
import { sameJson } from "./document";
import { SEPARATOR } from "./scope";
import type { Position, Transition, Workflow } from "./workflow";
import { ANY_SOURCE } from "./workflow";

/** The combined document, or null with the places both sides changed (`overlaps`, never empty then). */
export type DraftMerge = { merged: Workflow; overlaps: [] } | { merged: null; overlaps: string[] };

/** One part as each side has it; undefined: not there. */
type Sides<T> = { base: T | undefined; mine: T | undefined; theirs: T | undefined };
/** A part's combined value (undefined: not there), or that both sides changed it differently. */
type Picked<T> = { value: T | undefined } | "overlap";

/** The side that changed the part (both the same way counts as one change). */
function pick<T>({ base, mine, theirs }: Sides<T>): Picked<T> {
  if (sameJson(mine, theirs) || sameJson(base, theirs)) return { value: mine };
  if (sameJson(base, mine)) return { value: theirs };
  return "overlap";
}

type JsonObject = Record<string, unknown>;

/** Keys of the objects in order: theirs' first (the saved version's order), then those only mine has. */
function keysOf(...objects: (JsonObject | undefined)[]): string[] {
  return [...new Set(objects.flatMap((o) => (o ? Object.keys(o) : [])))];
}

/**
 * Merge two changed records key by key. An entry both changed goes to `inner` when given (its combined value,
 * or null once it named the overlaps in it), else it is an overlap that `nameOf` names (null: none after all).
 */
function mergeRecord<T>(
  sides: Sides<Record<string, T>>,
  overlaps: string[],
  nameOf: (key: string, sides: Sides<T>) => string | null,
  inner?: (key: string, sides: Sides<T>, overlaps: string[]) => T | null,
): Record<string, T> {
  const merged: Record<string, T> = {};
  for (const key of keysOf(sides.theirs, sides.mine, sides.base)) {
    const entry = { base: sides.base?.[key], mine: sides.mine?.[key], theirs: sides.theirs?.[key] };
    const picked = pick(entry);
    if (picked !== "overlap") {
      if (picked.value !== undefined) merged[key] = picked.value;
    } else if (inner) {
      const value = inner(key, entry, overlaps);
      if (value !== null) merged[key] = value;
    } else {
      const name = nameOf(key, entry);
      if (name) overlaps.push(name);
    }
  }
  return merged;
}

/** What became of an entry both sides changed, when it is not there on one side (or not there before). */
function howChanged(sides: Sides<unknown>): string {
  if (sides.base === undefined) return "added in both, differently";
  if (sides.mine === undefined) return "removed in yours, changed in theirs";
  if (sides.theirs === undefined) return "removed in theirs, changed in yours";
  return "changed in both";
}

function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A state both sides changed: field by field when it is there on every side; null once its overlaps are named. */
function mergeState(id: string, sides: Sides<unknown>, overlaps: string[]): unknown {
  const { base, mine, theirs } = sides;
  if (!isRecord(base) || !isRecord(mine) || !isRecord(theirs)) {
    overlaps.push(`state “${id}”: ${howChanged(sides)}`);
    return null;
  }
  const fields: string[] = [];
  const merged = mergeRecord({ base, mine, theirs }, fields, (field) => field);
  if (fields.length === 0) return merged;
  overlaps.push(`state “${id}”: ${fields.join(", ")}`);
  return null;
}

function transitionWords(t: Transition | undefined): string {
  if (!t) return "a transition";
  const source = Array.isArray(t.source) ? t.source.join(", ") : t.source;
  return `transition ${source} → ${t.dest}${t.trigger ? ` on ${t.trigger}` : ""}`;
}

/** Each transition's key: its id, else its place in the list. */
function transitionKeys(list: readonly Transition[]): string[] {
  return list.map((t, i) => (typeof t.id === "string" && t.id !== "" ? `id:${t.id}` : `at:${i}`));
}

/** The keys of `keys` that `others` has as well, in the order of `keys`. */
function common(keys: readonly string[], others: readonly string[]): string[] {
  const there = new Set(others);
  return keys.filter((k) => there.has(k));
}

/** Transitions both sides changed: one by one when they can be told apart, in the order a side gave them. */
function mergeTransitions(sides: Sides<Transition[]>, overlaps: string[]): Transition[] {
  const base = sides.base ?? [];
  const mine = sides.mine ?? [];
  const theirs = sides.theirs ?? [];
  const keys = { base: transitionKeys(base), mine: transitionKeys(mine), theirs: transitionKeys(theirs) };
  const all = [keys.base, keys.mine, keys.theirs];
  const byPlace = all.some((k) => k.some((key) => key.startsWith("at:")));
  const sameLength = base.length === mine.length && mine.length === theirs.length;
  if (all.some((k) => new Set(k).size !== k.length) || (byPlace && !sameLength)) {
    overlaps.push("the list of transitions (changed in both, and without ids they cannot be matched once one is added or removed)");
    return base;
  }
  const record = (list: Transition[], k: string[]) => Object.fromEntries(k.map((key, i) => [key, list[i]!]));
  const byKey = mergeRecord(
    { base: record(base, keys.base), mine: record(mine, keys.mine), theirs: record(theirs, keys.theirs) },
    overlaps,
    (_key, entry) => `${transitionWords(entry.mine ?? entry.theirs ?? entry.base)}: ${howChanged(entry)}`,
  );
  // The order: the side that reordered the transitions they both had gives it (both: an overlap), the other
  // side's new ones follow the transition they follow there.
  const mineMoved = !sameJson(common(keys.base, keys.mine), common(keys.mine, keys.base));
  const theirsMoved = !sameJson(common(keys.base, keys.theirs), common(keys.theirs, keys.base));
  if (mineMoved && theirsMoved && !sameJson(common(keys.mine, keys.theirs), common(keys.theirs, keys.mine))) {
    overlaps.push("the order of the transitions");
  }
  const [first, second] = mineMoved ? [keys.mine, keys.theirs] : [keys.theirs, keys.mine];
  const order = [...first];
  second.forEach((key, i) => {
    if (order.includes(key)) return;
    const after = second.slice(0, i).reverse().find((k) => order.includes(k));
    order.splice(after === undefined ? 0 : order.indexOf(after) + 1, 0, key);
  });
  return order.filter((key) => key in byKey).map((key) => byKey[key]!);
}

/** States the combined document names (its start, its transitions' ends) that it no longer has, though one of
 * the sides has them: one side removed a state the other went on using. */
function statesStillNamed(merged: Workflow, mine: Workflow, theirs: Workflow): string[] {
  const named = new Set<string>();
  if (merged.initial) named.add(merged.initial);
  for (const t of merged.transitions) {
    for (const id of [...(Array.isArray(t.source) ? t.source : [t.source]), t.dest]) if (id !== ANY_SOURCE) named.add(id);
  }
  return [...named]
    .filter((id) => !(id in merged.states) && (id in mine.states || id in theirs.states))
    .map((id) => `state “${id}”: removed in ${id in mine.states ? "theirs" : "yours"}, still used in ${id in mine.states ? "yours" : "theirs"}`);
}

/** Combine `mine` and `theirs`, both made from `base`; see the top of this file. */
export function mergeDrafts(base: Workflow, mine: Workflow, theirs: Workflow): DraftMerge {
  const overlaps: string[] = [];
  const sides = <K extends string>(key: K) =>
    ({ base: base[key], mine: mine[key], theirs: theirs[key] }) as Sides<Workflow[K]>;
  const merged: JsonObject = {};
  for (const key of keysOf(theirs, mine, base)) {
    const entry = sides(key);
    const picked = pick(entry);
    if (picked !== "overlap") {
      if (picked.value !== undefined) merged[key] = picked.value;
    } else if (key === "states") {
      merged.states = mergeRecord(entry as Sides<Record<string, unknown>>, overlaps, () => null, mergeState);
    } else if (key === "transitions") {
      merged.transitions = mergeTransitions(entry as Sides<Transition[]>, overlaps);
    } else if (key !== "layout") {
      overlaps.push(`the workflow's ${key}`);
    }
  }
  const states = isRecord(merged.states) ? merged.states : {};
  const layout = sides("layout") as Sides<Record<string, Position>>;
  if (pick(layout) === "overlap") {
    // The position of a state the combined document does not have is no overlap: it goes with its state.
    const gone = (key: string) => !(key.split(SEPARATOR)[0]! in states);
    const positions = mergeRecord(layout, overlaps, (key) => (gone(key) ? null : `state “${key}”: position on the canvas`));
    merged.layout = Object.fromEntries(Object.entries(positions).filter(([key]) => !gone(key)));
  }
  const combined = { ...merged, states, transitions: Array.isArray(merged.transitions) ? merged.transitions : [] } as Workflow;
  if (overlaps.length === 0) overlaps.push(...statesStillNamed(combined, mine, theirs));
  return overlaps.length === 0 ? { merged: combined, overlaps: [] } : { merged: null, overlaps };
}
