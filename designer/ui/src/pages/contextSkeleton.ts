// The context a new instance starts with, as the Start-instance form first shows it: the keys the workflow's
// context schema requires, each with a placeholder of its type ("" for a string, 0 for a number, …), to fill in —
// not `{}`, which the server refuses. And which of those keys a context written since still lacks, so the form
// says so before anything is sent.

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema => value !== null && typeof value === "object" && !Array.isArray(value);

function requiredOf(schema: Schema): string[] {
  return Array.isArray(schema.required) ? schema.required.filter((key): key is string => typeof key === "string") : [];
}

function propertyOf(schema: Schema, key: string): Schema {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const property = properties[key];
  return isSchema(property) ? property : {};
}

/** The type a value of `schema` is written as: its `type` (the first but null, of several), else what its keywords
 * imply. */
function typeOf(schema: Schema): string | null {
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t): t is string => typeof t === "string");
  const type = types.find((t) => t !== "null") ?? types[0];
  if (type) return type;
  if (isSchema(schema.properties) || Array.isArray(schema.required)) return "object";
  if (schema.items !== undefined) return "array";
  return null;
}

/** A placeholder value of `schema`: its constant, its default or first allowed value, else an empty one of its type
 * (the least a minimum allows, for a number). */
export function placeholderOf(schema: Schema, depth = 0): unknown {
  if ("const" in schema) return schema.const;
  if ("default" in schema) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  switch (typeOf(schema)) {
    case "number":
    case "integer":
      return typeof schema.minimum === "number" && schema.minimum > 0 ? schema.minimum : 0;
    case "boolean":
      return false;
    case "array":
      return [];
    case "object":
      return depth < 8 ? skeletonOf(schema, depth + 1) : {};
    case "null":
      return null;
    default:
      return "";
  }
}

function skeletonOf(schema: Schema, depth: number): Record<string, unknown> {
  return Object.fromEntries(requiredOf(schema).map((key) => [key, placeholderOf(propertyOf(schema, key), depth)]));
}

/** The context to start from: the required keys of the workflow's context schema, each with a placeholder. */
export function contextSkeleton(schema: unknown): Record<string, unknown> {
  return isSchema(schema) ? skeletonOf(schema, 0) : {};
}

/** The keys the schema requires at the top of the context that `context` does not have. */
export function missingRequired(schema: unknown, context: unknown): string[] {
  if (!isSchema(schema)) return [];
  const given = isSchema(context) ? context : {};
  return requiredOf(schema).filter((key) => !(key in given));
}
