// A definition as its model reads it, whatever the server filled in: a published version is the model's dump,
// with every default written out (`policies: []`, `approvers.users: []`, a retry's `jitter: true`, a parallel
// state's `join`, a transition's `priority: 0` …), while a draft holds the JSON as it was written, imported or
// pasted, mostly without them. Dropping what equals a default on both sides makes the two comparable.
import type { JsonSchema } from "../editor/schemaAssist";

/** The defaults the model fills in, by field name: every `default` of the workflow's JSON Schema (generated
 * from the models). The fields that default to an empty list or object are not there, and need not be: empty
 * values are dropped anyway. */
export type FieldDefaults = ReadonlyMap<string, readonly string[]>;

export function fieldDefaults(schema: JsonSchema | null): FieldDefaults {
  const found = new Map<string, string[]>();
  for (const model of Object.values(schema?.$defs ?? {})) {
    for (const [name, field] of Object.entries(model.properties ?? {})) {
      if (field.default === undefined || field.default === null) continue;
      const value = canonical(field.default);
      found.set(name, [...new Set([...(found.get(name) ?? []), value])]);
    }
  }
  return found;
}

/** `value` without what the model would fill in: nulls, empty lists and objects (once emptied so), and any
 * field whose value is a default for a field of that name — at every depth. Undefined when nothing is left. */
export function withoutDefaults(value: unknown, defaults: FieldDefaults): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map((item) => withoutDefaults(item, defaults) ?? null);
    return items.length ? items : undefined;
  }
  if (typeof value !== "object") return value;
  const kept: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    const left = withoutDefaults(field, defaults);
    if (left === undefined || defaults.get(key)?.includes(canonical(field))) continue;
    kept[key] = left;
  }
  return Object.keys(kept).length ? kept : undefined;
}

/** One text per JSON value, whatever the order of its keys (and `2.0` is `2`): equal texts, equal values. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
