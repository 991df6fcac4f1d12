// What one version of a draft changed that another version does not have, in words a person recognises
// ("state “work”: title", "transition check → review on done (added)"), so that whoever is about to save over
// someone's change — or whose saved change was saved over — is told which changes go.
import { sameJson } from "./document";
import type { Transition, Workflow } from "./workflow";

/** The parts a document is compared by: each with a name for people and its value (undefined: not there). */
type Parts = Map<string, { name: string; value: unknown }>;

function transitionName(t: Transition): string {
  const source = Array.isArray(t.source) ? t.source.join(", ") : t.source;
  return `transition ${source} → ${t.dest}${t.trigger ? ` on ${t.trigger}` : ""}`;
}

function partsOf(workflow: Workflow): Parts {
  const parts: Parts = new Map();
  for (const [key, value] of Object.entries(workflow)) {
    if (key === "states" || key === "transitions" || key === "layout" || value === undefined) continue;
    parts.set(`field:${key}`, { name: `the workflow's ${key}`, value });
  }
  for (const [id, state] of Object.entries(workflow.states)) parts.set(`state:${id}`, { name: `state “${id}”`, value: state });
  // Transitions by what they connect (the n-th of the same kind, when several are alike), not by their place in
  // the list: one added before another is not a change of every transition after it.
  const seen = new Map<string, number>();
  for (const t of workflow.transitions) {
    const name = transitionName(t);
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    parts.set(`transition:${name}#${n}`, { name: n > 1 ? `${name} (${n})` : name, value: t });
  }
  if (workflow.layout && Object.keys(workflow.layout).length > 0) parts.set("layout", { name: "positions on the canvas", value: workflow.layout });
  return parts;
}

/** A field's value, an empty one (null, [], {}) as none: the published version writes `policies: []` where an
 * edited draft leaves it out, which is no change anyone made. */
function written(value: unknown): unknown {
  if (value === null || (Array.isArray(value) && value.length === 0)) return undefined;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const kept = Object.entries(value).filter(([, v]) => written(v) !== undefined);
    return kept.length === 0 ? undefined : Object.fromEntries(kept.map(([k, v]) => [k, written(v) ?? v]));
  }
  return value;
}

const same = (a: unknown, b: unknown) => sameJson(written(a), written(b));

function fieldsOf(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The top-level fields `mine` changed from `was` and `other` has otherwise (a state's "title", "approvers"). */
function fieldsChanged(was: unknown, mine: unknown, other: unknown): string[] {
  const [x, y, z] = [fieldsOf(was), fieldsOf(mine), fieldsOf(other)];
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])];
  return keys.filter((k) => !same(x[k], y[k]) && !same(y[k], z[k]));
}

/**
 * The changes `mine` made to `base` that `other` does not have (it has something else there, or nothing), each
 * in words: what `other` would drop of `mine`. `[]` when `other` carries every change of `mine`.
 */
export function changesMissingFrom(base: Workflow, mine: Workflow, other: Workflow): string[] {
  const before = partsOf(base);
  const after = partsOf(mine);
  const elsewhere = partsOf(other);
  const missing: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(key);
    const is = after.get(key);
    const there = elsewhere.get(key)?.value;
    if (same(was?.value, is?.value) || same(is?.value, there)) continue;
    const name = (is ?? was)!.name;
    if (!was) missing.push(`${name} (added)`);
    else if (!is) missing.push(`${name} (removed)`);
    else {
      const fields = key.startsWith("state:") ? fieldsChanged(was.value, is.value, there) : [];
      missing.push(fields.length > 0 ? `${name}: ${fields.join(", ")}` : name);
    }
  }
  return missing;
}
