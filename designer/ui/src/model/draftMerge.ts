// Combining this tab's changes to a draft with the version saved meanwhile elsewhere (another tab, someone
// else): a three-way merge of the JSON documents. `base` is the version both were made from (the revision this
// tab loaded or last saved), `mine` this tab's document, `theirs` the revision now saved. Where only one side
// changed a part, that side's is taken; where both changed the same part differently, the place is named in
// words a person recognises ("state “flag”: title") and nothing is combined.
//
// The parts: each top-level field; each state by id, field by field, and the states and transitions of a
// parallel state's branches (by name) and of a map state's iterator the same way, as far down as they go; each
// position on the canvas by state; each transition field by field — a transition is told by its `id` when it
// has one, else, as engine/definition/diff.py tells them, by its source, trigger and destination (numbered
// when several share them). A state one side renamed is compared under its new id (draftRenames.ts). A state
// one side gave another type while the other changed its fields is named: the two would not make one state.
import { sameJson } from "./document";
import { rebaseRenames, scopeKey } from "./draftRenames";
import { everyState, ITERATOR, qualifiedPrefix, SEPARATOR, type Scope } from "./scope";
import type { Position, Workflow } from "./workflow";
import { ANY_SOURCE } from "./workflow";

/** The combined document, or null with the places both sides changed (`overlaps`, never empty then). */
export type DraftMerge = { merged: Workflow; overlaps: [] } | { merged: null; overlaps: string[] };

/** One part as each side has it; undefined: not there. */
type Sides<T> = { base: T | undefined; mine: T | undefined; theirs: T | undefined };
/** A part's combined value (undefined: not there), or that both sides changed it differently. */
type Picked<T> = { value: T | undefined } | "overlap";

type JsonObject = Record<string, unknown>;

/** Where the merge is: the machine's scope, and what the person is told of it. */
interface Place {
  scope: Scope;
  /** ` in review › legal`, or '' at the top level. */
  in: string;
  /** The names of states a side renamed (draftRenames.ts). */
  names: ReadonlyMap<string, string>;
}

/** The side that changed the part (both the same way counts as one change). */
function pick<T>({ base, mine, theirs }: Sides<T>): Picked<T> {
  if (sameJson(mine, theirs) || sameJson(base, theirs)) return { value: mine };
  if (sameJson(base, mine)) return { value: theirs };
  return "overlap";
}

/** Keys of the objects in order: theirs' first (the saved version's order), then those only mine has. */
function keysOf(...objects: (JsonObject | undefined)[]): string[] {
  return [...new Set(objects.flatMap((o) => (o ? Object.keys(o) : [])))];
}

const entryOf = <T>(sides: Sides<Record<string, T>>, key: string): Sides<T> => ({ base: sides.base?.[key], mine: sides.mine?.[key], theirs: sides.theirs?.[key] });

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
    const entry = entryOf(sides, key);
    const picked = pick(entry);
    if (picked !== "overlap") {
      if (picked.value !== undefined) merged[key] = picked.value;
      continue;
    }
    const value = inner ? inner(key, entry, overlaps) : null;
    if (value !== null) merged[key] = value;
    else if (!inner) {
      const name = nameOf(key, entry);
      if (name) overlaps.push(name);
    }
  }
  return merged;
}

/** What became of an entry both sides changed, when it is not there on one side (or not there before). */
function howChanged(sides: Sides<unknown>, removed = "removed"): string {
  if (sides.base === undefined) return "added in both, differently";
  if (sides.mine === undefined) return `${removed} in yours, changed in theirs`;
  if (sides.theirs === undefined) return `${removed} in theirs, changed in yours`;
  return "changed in both";
}

function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const allRecords = (sides: Sides<unknown>): sides is Sides<JsonObject> & { base: JsonObject; mine: JsonObject; theirs: JsonObject } =>
  isRecord(sides.base) && isRecord(sides.mine) && isRecord(sides.theirs);

/** A machine (the workflow, a branch, an iterator) both sides changed, field by field; its `layout` is left to
 * `mergeLayout`. */
function mergeMachine(sides: Sides<JsonObject>, at: Place, overlaps: string[]): JsonObject {
  const merged: JsonObject = {};
  for (const key of keysOf(sides.theirs, sides.mine, sides.base)) {
    if (key === "layout" && at.scope.length === 0) continue;
    const entry = entryOf(sides, key);
    const picked = pick(entry);
    if (picked !== "overlap") {
      if (picked.value !== undefined) merged[key] = picked.value;
    } else if (key === "states" && allRecords(entry)) {
      merged.states = mergeRecord(entry, overlaps, () => null, (id, state, found) => mergeState(id, state, at, found));
    } else if (key === "transitions" && Array.isArray(entry.mine) && Array.isArray(entry.theirs)) {
      merged.transitions = mergeTransitions(entry as Sides<JsonObject[]>, at, overlaps);
    } else {
      overlaps.push(at.scope.length === 0 ? `the workflow's ${key}` : `${at.in.slice(4)}: ${key}`);
    }
  }
  return merged;
}

const stateName = (id: string, at: Place) => at.names.get(scopeKey(at.scope, id)) ?? `state “${id}”${at.in}`;

/** A state both sides changed: field by field when it is there on every side, its branches and iterator state by
 * state; null once its overlaps are named. */
function mergeState(id: string, sides: Sides<unknown>, at: Place, overlaps: string[]): unknown {
  if (!allRecords(sides)) {
    overlaps.push(`${stateName(id, at)}: ${howChanged(sides)}`);
    return null;
  }
  const { base, mine, theirs } = sides;
  const changed = (side: JsonObject) => keysOf(base, side).filter((field) => !sameJson(base[field], side[field]));
  const retyped = { mine: !sameJson(base.type, mine.type), theirs: !sameJson(base.type, theirs.type) };
  if (retyped.mine !== retyped.theirs) {
    const [retypedIn, other, fields] = retyped.mine ? ["yours", "theirs", changed(theirs)] : ["theirs", "yours", changed(mine)];
    overlaps.push(`${stateName(id, at)}: made a ${String((retyped.mine ? mine : theirs).type)} state in ${retypedIn}, its ${fields.join(", ")} changed in ${other}`);
    return null;
  }
  const fields: string[] = [];
  const nested = overlaps.length;
  const merged = mergeRecord({ base, mine, theirs }, fields, (field) => field, (field, entry, found) => {
    if (field === "branches" && Array.isArray(entry.base) && Array.isArray(entry.mine) && Array.isArray(entry.theirs)) {
      return mergeBranches(id, entry as Sides<JsonObject[]>, at, overlaps);
    }
    if (field === "iterator" && allRecords(entry)) return mergeMachine(entry, inner(id, ITERATOR, "for each item", at), overlaps);
    found.push(field);
    return null;
  });
  if (fields.length > 0) overlaps.push(`${stateName(id, at)}: ${fields.join(", ")}`);
  return fields.length === 0 && overlaps.length === nested ? merged : null;
}

/** The place of a branch (or iterator) of state `id` of the machine at `at`. */
function inner(id: string, branch: number, name: string, at: Place): Place {
  const where = at.in ? `${at.in} › ${id} › ${name}` : ` in ${id} › ${name}`;
  return { scope: [...at.scope, { state: id, branch }], in: where, names: at.names };
}

/** A parallel state's branches both sides changed: branch by branch, told by name. */
function mergeBranches(id: string, sides: Sides<JsonObject[]>, at: Place, overlaps: string[]): JsonObject[] | null {
  const keyOf = (list: readonly JsonObject[]) => list.map((b, i) => (typeof b.name === "string" ? `name:${b.name}` : `at:${i}`));
  return mergeList(sides, keyOf, overlaps, {
    item: (key, entry) => {
      if (!allRecords(entry)) return null;
      const index = sides.base!.findIndex((_, i) => keyOf(sides.base!)[i] === key);
      return mergeMachine(entry, inner(id, index, String(entry.base.name ?? index), at), overlaps);
    },
    words: (key, entry) => `branch “${key.replace(/^name:/, "")}” of ${stateName(id, at)}: ${howChanged(entry)}`,
    order: `the order of the branches of ${stateName(id, at)}`,
    same: `the branches of ${stateName(id, at)} (two with one name)`,
  });
}

/** How a transition is told apart from the others of its list, as engine/definition/diff.py does: by its id, else
 * by its source, trigger and destination, numbered from the second of several sharing them. Among those several,
 * one just like one of the base's takes that one's number: one removed on a side does not renumber the rest. */
function transitionKeys(list: readonly JsonObject[], base: readonly JsonObject[] = list): string[] {
  const plain = (t: JsonObject) => {
    if (typeof t.id === "string" && t.id !== "") return `id:${t.id}`;
    const source = Array.isArray(t.source) ? t.source.map(String).join(",") : String(t.source);
    return `${source}${t.trigger ? `-[${String(t.trigger)}]->` : "->"}${String(t.dest)}`;
  };
  const baseKeys = base.map(plain);
  const keys = list.map(plain);
  const numbered: string[] = new Array<string>(list.length);
  for (const key of new Set(keys)) {
    const here = list.flatMap((_, i) => (keys[i] === key ? [i] : []));
    const before = base.flatMap((t, i) => (baseKeys[i] === key ? [t] : []));
    const free = new Set(before.map((_, n) => n));
    const claim = (i: number, n: number) => {
      numbered[i] = n === 0 ? key : `${key}#${n + 1}`;
      free.delete(n);
    };
    const rest = here.filter((i) => {
      const n = [...free].find((k) => sameJson(before[k], list[i]));
      if (n === undefined) return true;
      claim(i, n);
      return false;
    });
    let fresh = before.length;
    for (const i of rest) claim(i, free.size > 0 ? Math.min(...free) : fresh++);
  }
  return numbered;
}

function transitionWords(t: JsonObject | undefined, at: Place): string {
  if (!t) return "a transition";
  const source = Array.isArray(t.source) ? t.source.map(String).join(", ") : String(t.source);
  return `transition ${source} → ${String(t.dest)}${t.trigger ? ` on ${String(t.trigger)}` : ""}${at.in}`;
}

/** Transitions both sides changed: one by one, field by field, in the order a side gave them. */
function mergeTransitions(sides: Sides<JsonObject[]>, at: Place, overlaps: string[]): JsonObject[] | null {
  const base = sides.base ?? [];
  return mergeList(sides, (list) => transitionKeys(list, base), overlaps, {
    item: (_key, entry) => {
      if (!allRecords(entry)) return null;
      const fields: string[] = [];
      const merged = mergeRecord(entry, fields, (field) => field);
      if (fields.length === 0) return merged;
      overlaps.push(`${transitionWords(entry.mine, at)}: ${fields.join(", ")}`);
      return undefined;
    },
    words: (_key, entry) => `${transitionWords(entry.mine ?? entry.theirs ?? entry.base, at)}: ${howChanged(entry, "removed (or its source, trigger or destination changed)")}`,
    order: `the order of the transitions${at.in}`,
    same: `the list of transitions${at.in} (two with one id)`,
  });
}

interface ListParts<T> {
  /** An item both changed, when it is there on every side: its combined value, null when it cannot be combined
   * field by field (then `words` names it), undefined once the overlaps in it are named. */
  item: (key: string, entry: Sides<T>) => T | null | undefined;
  words: (key: string, entry: Sides<T>) => string;
  order: string;
  /** The overlap when a side's list has two items with one key, which cannot be told apart. */
  same: string;
}

/** A list both sides changed, item by item as `keysOf` tells them apart; null once its overlaps are named. */
function mergeList<T>(sides: Sides<T[]>, keysOf: (list: readonly T[]) => string[], overlaps: string[], parts: ListParts<T>): T[] | null {
  const lists = { base: sides.base ?? [], mine: sides.mine ?? [], theirs: sides.theirs ?? [] };
  const keys = { base: keysOf(lists.base), mine: keysOf(lists.mine), theirs: keysOf(lists.theirs) };
  if ([keys.base, keys.mine, keys.theirs].some((k) => new Set(k).size !== k.length)) {
    overlaps.push(parts.same);
    return null;
  }
  const record = (list: T[], k: string[]) => Object.fromEntries(k.map((key, i) => [key, list[i]!]));
  const before = overlaps.length;
  const byKey = mergeRecord(
    { base: record(lists.base, keys.base), mine: record(lists.mine, keys.mine), theirs: record(lists.theirs, keys.theirs) },
    overlaps,
    () => null,
    (key, entry, found) => {
      const value = parts.item(key, entry);
      if (value === null) found.push(parts.words(key, entry));
      return value ?? null;
    },
  );
  // The order: the side that reordered the items they both had gives it (both: an overlap), the other side's new
  // ones follow the item they follow there.
  const common = (these: readonly string[], others: readonly string[]) => these.filter((k) => others.includes(k));
  const mineMoved = !sameJson(common(keys.base, keys.mine), common(keys.mine, keys.base));
  const theirsMoved = !sameJson(common(keys.base, keys.theirs), common(keys.theirs, keys.base));
  if (mineMoved && theirsMoved && !sameJson(common(keys.mine, keys.theirs), common(keys.theirs, keys.mine))) overlaps.push(parts.order);
  if (overlaps.length > before) return null;
  const [first, second] = mineMoved ? [keys.mine, keys.theirs] : [keys.theirs, keys.mine];
  const order = [...first];
  second.forEach((key, i) => {
    if (order.includes(key)) return;
    const after = second.slice(0, i).reverse().find((k) => order.includes(k));
    order.splice(after === undefined ? 0 : order.indexOf(after) + 1, 0, key);
  });
  return order.filter((key) => key in byKey).map((key) => byKey[key]!);
}

/** Every state's qualified id (`review/legal/check`), as the layout keys positions. */
function qualifiedIds(root: Workflow): Set<string> {
  return new Set(everyState(root).map(({ scope, id }) => `${qualifiedPrefix(root, scope) ?? ""}${id}`));
}

/** A layout key in words: `state “check” in review › legal`. */
function positionWords(key: string): string {
  const parts = key.split(SEPARATOR).map((part, i) => (i % 2 === 1 && part === "iterator" ? "for each item" : part));
  const id = parts.pop()!;
  return `state “${id}”${parts.length > 0 ? ` in ${parts.join(" › ")}` : ""}: position on the canvas`;
}

/** The positions both sides changed, position by position; a position of a state the combined document does not
 * have is no overlap: it goes with its state, at any depth. */
function mergeLayout(sides: Sides<Record<string, Position>>, merged: Workflow, overlaps: string[]): Record<string, Position> | undefined {
  const picked = pick(sides);
  if (picked !== "overlap") return picked.value;
  const there = qualifiedIds(merged);
  const positions = mergeRecord(sides, overlaps, (key) => (there.has(key) ? positionWords(key) : null));
  return Object.fromEntries(Object.entries(positions).filter(([key]) => there.has(key)));
}

/** States the combined document names (its start, its transitions' ends) that it no longer has, though one of
 * the sides has them: one side removed a state the other went on using. */
function statesStillNamed(merged: Workflow, mine: Workflow, theirs: Workflow): string[] {
  const named = new Set<string>();
  if (merged.initial) named.add(merged.initial);
  for (const t of merged.transitions) {
    const sources: unknown[] = Array.isArray(t.source) ? t.source : [t.source];
    for (const id of [...sources, t.dest]) if (typeof id === "string" && id !== ANY_SOURCE) named.add(id);
  }
  return [...named]
    .filter((id) => !(id in merged.states) && (id in mine.states || id in theirs.states))
    .map((id) => `state “${id}”: removed in ${id in mine.states ? "theirs" : "yours"}, still used in ${id in mine.states ? "yours" : "theirs"}`);
}

/** Combine `mine` and `theirs`, both made from `base`; see the top of this file. */
export function mergeDrafts(base: Workflow, mine: Workflow, theirs: Workflow): DraftMerge {
  const rebased = rebaseRenames(base, mine, theirs);
  const overlaps = [...rebased.overlaps];
  const sides = { base: rebased.base, mine: rebased.mine, theirs: rebased.theirs };
  const top: Place = { scope: [], in: "", names: rebased.names };
  const merged = mergeMachine(sides, top, overlaps);
  const states = isRecord(merged.states) ? merged.states : {};
  const combined = { ...merged, states, transitions: Array.isArray(merged.transitions) ? merged.transitions : [] } as Workflow;
  const layout = mergeLayout(entryOf(sides as Sides<Record<string, unknown>>, "layout") as Sides<Record<string, Position>>, combined, overlaps);
  if (layout !== undefined) combined.layout = layout;
  else delete combined.layout;
  if (overlaps.length === 0) overlaps.push(...statesStillNamed(combined, mine, theirs));
  return overlaps.length === 0 ? { merged: reordered(combined, sides.theirs, sides.mine), overlaps: [] } : { merged: null, overlaps };
}

/** The document's fields in the saved version's order (then this tab's new ones): `layout` stays where it was. */
function reordered(merged: Workflow, ...order: Workflow[]): Workflow {
  const keys = keysOf(...order, merged).filter((key) => key in merged);
  return Object.fromEntries(keys.map((key) => [key, merged[key]])) as Workflow;
}
