// What an action's handler needs, read out of the input JSON Schema it was registered with (docs/runtime.md
// "What a handler needs: input schemas"), in words an analyst reads without knowing JSON Schema: each input's
// name, its type in plain words, whether it is required, and whether the task's input mapping gives it yet.
// The server's `action-input-mismatch` check is the judge; this only says the same thing before it is asked.

/** One input the action takes, as the inspector lists it. */
export interface ActionInput {
  name: string;
  /** Its type in plain words: "text", "whole number", "yes/no", "list of text", "one of: low, high". */
  type: string;
  required: boolean;
  /** The schema's own `description` of it, if any. */
  description: string | null;
  /** True when the task's input mapping has an entry for it. */
  given: boolean;
}

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema => typeof value === "object" && value !== null && !Array.isArray(value);

const WORDS: Record<string, string> = {
  string: "text",
  integer: "whole number",
  number: "number",
  boolean: "yes/no",
  array: "list",
  object: "object",
  null: "empty",
};

/** What a list holds, in the plural: "list of whole numbers". */
const PLURALS: Record<string, string> = {
  text: "text",
  number: "numbers",
  "whole number": "whole numbers",
  "yes/no": "yes/no values",
  list: "lists",
  object: "objects",
  "date and time": "dates and times",
  date: "dates",
  "email address": "email addresses",
  "web address": "web addresses",
};

const FORMATS: Record<string, string> = {
  "date-time": "date and time",
  date: "date",
  time: "time of day",
  email: "email address",
  uri: "web address",
  url: "web address",
};

const MAX_CHOICES = 6;

/** A value of an enum or const as the analyst would write it: text as it is, yes/no, numbers as numbers. */
function shown(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (value === null) return "empty";
  return JSON.stringify(value);
}

/** The schema a local `$ref` (`#/$defs/address`, `#/definitions/x`) points to within `root`; the schema itself
 * when it has none, or when it points elsewhere (a handler's schema may refer only within itself). */
function resolved(schema: Schema, root: Schema): Schema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === "string" && hops < 20; hops += 1) {
    const ref = current.$ref as string;
    if (!ref.startsWith("#")) return current;
    let target: unknown = root;
    for (const token of ref.slice(1).split("/").slice(1)) {
      const key = decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~");
      target = isSchema(target) ? target[key] : undefined;
    }
    if (!isSchema(target)) return current;
    const { $ref: _ref, ...beside } = current;
    current = { ...target, ...beside };
  }
  return current;
}

function numberRange(schema: Schema): string {
  const low = typeof schema.minimum === "number" ? schema.minimum : null;
  const high = typeof schema.maximum === "number" ? schema.maximum : null;
  if (low !== null && high !== null) return `, ${low} to ${high}`;
  if (low !== null) return `, at least ${low}`;
  if (high !== null) return `, at most ${high}`;
  return "";
}

function oneType(type: string, schema: Schema, root: Schema, depth: number): string {
  if (type === "string" && typeof schema.format === "string" && FORMATS[schema.format]) return FORMATS[schema.format]!;
  if (type === "integer" || type === "number") return `${WORDS[type]}${numberRange(schema)}`;
  if (type === "array") {
    if (!isSchema(schema.items)) return "list";
    const each = describe(schema.items, root, depth + 1);
    if (each === "anything") return "list";
    return PLURALS[each] ? `list of ${PLURALS[each]}` : `list, each ${each}`;
  }
  return WORDS[type] ?? type;
}

function describe(raw: unknown, root: Schema, depth: number): string {
  if (!isSchema(raw) || depth > 6) return "anything";
  const schema = resolved(raw, root);
  if ("const" in schema) return `always ${shown(schema.const)}`;
  if (Array.isArray(schema.enum)) {
    const choices = schema.enum.map(shown);
    const more = choices.length > MAX_CHOICES ? ` and ${choices.length - MAX_CHOICES} more` : "";
    return `one of: ${choices.slice(0, MAX_CHOICES).join(", ")}${more}`;
  }
  const types = typeof schema.type === "string" ? [schema.type] : Array.isArray(schema.type) ? schema.type.filter((t): t is string => typeof t === "string") : [];
  if (types.length) return unique(types.map((t) => oneType(t, schema, root, depth))).join(" or ");
  const alternatives = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : null;
  if (alternatives?.length) {
    const words = unique(alternatives.map((a) => describe(a, root, depth + 1)));
    return words.includes("anything") ? "anything" : words.join(" or ");
  }
  if (Array.isArray(schema.allOf)) {
    const first = schema.allOf.map((a) => describe(a, root, depth + 1)).find((w) => w !== "anything");
    if (first) return first;
  }
  if (isSchema(schema.properties)) return "object";
  if (isSchema(schema.items)) return oneType("array", schema, root, depth);
  return "anything";
}

function unique(words: string[]): string[] {
  return [...new Set(words)];
}

/** A JSON Schema's type in plain words — "text", "number", "yes/no", "list of text", "object", "one of: a, b",
 * "text or empty" — for the analyst, who need not read JSON Schema. `root` resolves local `$ref`s. */
export function describeType(schema: unknown, root: unknown = schema): string {
  return describe(schema, isSchema(root) ? root : {}, 0);
}

/** The input schema as an object with its `$ref` at the top resolved, or null when it is none. */
function objectSchema(schema: unknown): Schema | null {
  return isSchema(schema) ? resolved(schema, schema) : null;
}

function requiredOf(schema: Schema): string[] {
  return Array.isArray(schema.required) ? unique(schema.required.filter((k): k is string => typeof k === "string")) : [];
}

function propertiesOf(schema: Schema): Schema {
  return isSchema(schema.properties) ? schema.properties : {};
}

/** Each input the schema names — the required ones first, in the schema's order, then the optional ones — with
 * its type in words and whether `input` (the task's input mapping) gives it. */
export function actionInputs(schema: unknown, input: Readonly<Record<string, string>> | null | undefined): ActionInput[] {
  const root = objectSchema(schema);
  if (!root) return [];
  const required = requiredOf(root);
  const properties = propertiesOf(root);
  const names = [...required, ...Object.keys(properties).filter((k) => !required.includes(k))];
  return names.map((name) => {
    const property = properties[name];
    const description = isSchema(property) ? resolved(property, root).description : undefined;
    return {
      name,
      type: property === undefined ? "anything" : describeType(property, root),
      required: required.includes(name),
      description: typeof description === "string" && description.trim() ? description.trim() : null,
      given: Boolean(input && Object.hasOwn(input, name)),
    };
  });
}

/** The keys the schema requires that `input` does not give (a task without `input` gives none), in the schema's
 * order: what the server reports as `action-input-mismatch`. */
export function missingInputs(schema: unknown, input: Readonly<Record<string, string>> | null | undefined): string[] {
  const root = objectSchema(schema);
  if (!root) return [];
  return requiredOf(root).filter((key) => !(input && Object.hasOwn(input, key)));
}

/** The keys `input` gives that the schema does not take (it allows no other properties than those it names). */
export function inputsNotTaken(schema: unknown, input: Readonly<Record<string, string>> | null | undefined): string[] {
  const root = objectSchema(schema);
  if (!root || root.additionalProperties !== false || !input) return [];
  const properties = propertiesOf(root);
  return Object.keys(input).filter((key) => !Object.hasOwn(properties, key));
}

/** The input mapping with each `missing` key added after the entries it has, each reading the context key of the
 * same name — the likeliest source, and where the flow has no such key (nothing declares or sets it there: the
 * server knows, also inside a branch or a map's iterator), validation flags that row as `unknown-variable`, which
 * says to declare it or write where it comes from. Keys given already are kept as they are. */
export function withMissingInputs(input: Readonly<Record<string, string>> | null | undefined, missing: readonly string[]): Record<string, string> {
  const next: Record<string, string> = { ...(input ?? {}) };
  for (const key of missing) if (!Object.hasOwn(next, key)) next[key] = startingExpression(key);
  return next;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CEL_RESERVED = new Set(["true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"]);

/** A first CEL expression for an input: the context key of the same name when that name can be written as one;
 * else (a key such as `first-name`, or `in`) `null`, to be replaced — validation flags it where the key's schema
 * does not take null (`action-input-mismatch`: "is always null"). */
export function startingExpression(key: string): string {
  return IDENTIFIER.test(key) && !CEL_RESERVED.has(key) ? key : "null";
}
