// The JSON view's help from the workflow's JSON Schema (GET /api/catalog/schema/workflow, generated from the
// engine's models): completion of property names and allowed values at the cursor's JSON path, the
// property's description on hover, and the schema's own errors (unknown property, value not allowed, wrong
// type, missing required property) marked inline before the server's validation answers.
//
// The path at the cursor comes from a tolerant scan of the text, so it is found while the text around the
// cursor does not parse yet (an open quote, a missing comma).
import type { Completion, CompletionContext, CompletionResult, CompletionSource } from "@codemirror/autocomplete";
import { syntaxTree } from "@codemirror/language";
import type { Diagnostic } from "@codemirror/lint";
import type { EditorState } from "@codemirror/state";
import { hoverTooltip, type EditorView, type Tooltip } from "@codemirror/view";
import { pointerRange } from "./jsonPointers";

export interface JsonSchema {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  title?: string;
  description?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  discriminator?: { propertyName: string; mapping: Record<string, string> };
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  default?: unknown;
}

type Segment = string | number;
type Scalars = Map<string, unknown>;

// ---------------------------------------------------------------------------------------------------------
// Schema navigation

function deref(root: JsonSchema, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let hops = 0; s.$ref && hops < 20; hops += 1) {
    const name = s.$ref.replace(/^#\/\$defs\//, "");
    const target = root.$defs?.[name];
    if (!target) break;
    s = { ...target, ...(s.description ? { description: s.description } : {}) };
  }
  return s;
}

/**
 * The alternatives a schema allows for a value, references resolved; a discriminated union is narrowed
 * to the branch the object's discriminator (a state's `type`) names when it names one.
 */
function alternatives(root: JsonSchema, schema: JsonSchema, scalars?: Scalars): JsonSchema[] {
  const s = deref(root, schema);
  const union = s.oneOf ?? s.anyOf;
  if (!union) return [s];
  const tag = s.discriminator && scalars?.get(s.discriminator.propertyName);
  if (s.discriminator && typeof tag === "string" && s.discriminator.mapping[tag]) {
    return alternatives(root, { $ref: s.discriminator.mapping[tag] }, scalars);
  }
  const outer = s.description ? { description: s.description } : {};
  // The property's own description says more than a branch's generic one ("A name made of letters …").
  return union.flatMap((branch) => alternatives(root, branch, scalars)).map((b) => ({ ...b, ...outer }));
}

function typesOf(s: JsonSchema): string[] {
  if (s.type) return Array.isArray(s.type) ? s.type : [s.type];
  if (s.properties || s.patternProperties) return ["object"];
  return [];
}

const patterns = new Map<string, RegExp | null>();

/** A schema's pattern as a RegExp, made once; null when JavaScript cannot read it (then nothing matches). */
function patternOf(source: string): RegExp | null {
  if (!patterns.has(source)) {
    let made: RegExp | null = null;
    try {
      made = new RegExp(source, "u");
    } catch {
      made = null;
    }
    patterns.set(source, made);
  }
  return patterns.get(source) ?? null;
}

function childSchema(s: JsonSchema, key: Segment): JsonSchema | null {
  if (typeof key === "number") return s.items ?? null;
  const named = s.properties?.[key];
  if (named) return named;
  for (const [pattern, schema] of Object.entries(s.patternProperties ?? {})) if (patternOf(pattern)?.test(key)) return schema;
  return typeof s.additionalProperties === "object" ? s.additionalProperties : null;
}

/** The alternatives for the value at `path`; `scalarsAt(i)` gives the scalar members of the i-th object on the way. */
function schemasAt(root: JsonSchema, path: readonly Segment[], scalarsAt: (depth: number) => Scalars | undefined): JsonSchema[] {
  let current = alternatives(root, root, scalarsAt(0));
  path.forEach((key, depth) => {
    current = current.flatMap((s) => {
      const child = childSchema(s, key);
      return child ? alternatives(root, child, scalarsAt(depth + 1)) : [];
    });
  });
  return current;
}

function allowedValues(schemas: readonly JsonSchema[]): unknown[] {
  const values: unknown[] = [];
  const add = (v: unknown) => {
    if (!values.some((w) => JSON.stringify(w) === JSON.stringify(v))) values.push(v);
  };
  for (const s of schemas) {
    if (s.const !== undefined) add(s.const);
    for (const v of s.enum ?? []) add(v);
    if (typesOf(s).includes("boolean")) {
      add(true);
      add(false);
    }
  }
  return values;
}

function describe(schemas: readonly JsonSchema[]): string | null {
  const text = schemas.map((s) => s.description).find((d) => d);
  return text ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// Where the cursor is: a tolerant scan of the text

interface Frame {
  kind: "object" | "array";
  /** The key (object) or index (array) under which this container sits in its parent. */
  key: Segment | null;
  /** Object: the member name being written or whose value comes next. */
  pendingKey: string | null;
  expectsKey: boolean;
  index: number;
  scalars: Scalars;
  keys: Set<string>;
}

export interface CursorPlace {
  /** Path of the container the cursor is in. */
  path: Segment[];
  /** A property name is being written (or may be), or a value. */
  role: "key" | "value";
  /** For a value: its key in the container. */
  key: Segment | null;
  /** The text being completed: from where it starts (its opening quote, if any) to the cursor. */
  from: number;
  typed: string;
  quoted: boolean;
  /** Scalars of the objects on the path, outermost first; complete (members after the cursor too). */
  scalars: Scalars[];
  /** Names the innermost object already has. */
  present: Set<string>;
}

const SCALAR = /^(-?\d[\d.eE+-]*|true|false|null)/;

/** Scans `text`; returns where `at` is, with the containers' members read to their end. */
export function placeAt(text: string, at: number): CursorPlace | null {
  const stack: Frame[] = [];
  let place: CursorPlace | null = null;
  const snapshot = (role: "key" | "value", from: number, typed: string, quoted: boolean) => {
    const top = stack[stack.length - 1];
    if (!top) return null;
    const path = stack.slice(1).map((f) => f.key as Segment);
    const key = role === "value" ? (top.kind === "array" ? top.index : top.pendingKey) : null;
    return { path, role, key, from, typed, quoted, scalars: stack.map((f) => f.scalars), present: top.keys } satisfies CursorPlace;
  };
  const roleHere = (): "key" | "value" => {
    const top = stack[stack.length - 1];
    return top && top.kind === "object" && top.expectsKey ? "key" : "value";
  };
  const setValue = (value: unknown) => {
    const top = stack[stack.length - 1];
    if (!top) return;
    if (top.kind === "object" && top.pendingKey !== null && !top.expectsKey) top.scalars.set(top.pendingKey, value);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (place === null && i >= at) place = snapshot(roleHere(), at, "", false);
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      const closed = text[j] === '"';
      const raw = text.slice(i, closed ? j + 1 : j);
      if (place === null && at > i && at <= (closed ? j : j)) {
        place = snapshot(roleHere(), i, text.slice(i + 1, at), true);
      }
      let value: string = raw.slice(1, closed ? -1 : undefined);
      try {
        value = JSON.parse(closed ? raw : `${raw}"`) as string;
      } catch {
        /* keep the raw text */
      }
      const top = stack[stack.length - 1];
      if (top?.kind === "object" && top.expectsKey) {
        top.pendingKey = value;
        top.keys.add(value);
      } else setValue(value);
      i = closed ? j + 1 : j;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === "{" || c === "[") {
      const key = top ? (top.kind === "array" ? top.index : top.pendingKey) : null;
      stack.push({ kind: c === "{" ? "object" : "array", key, pendingKey: null, expectsKey: c === "{", index: 0, scalars: new Map(), keys: new Set() });
    } else if (c === "}" || c === "]") {
      if (stack.length > 1) stack.pop();
    } else if (c === ":") {
      if (top?.kind === "object") top.expectsKey = false;
    } else if (c === ",") {
      if (top?.kind === "object") {
        top.expectsKey = true;
        top.pendingKey = null;
      } else if (top) top.index += 1;
    } else if (/[A-Za-z0-9-]/.test(c)) {
      const word = /^[A-Za-z0-9_.+-]+/.exec(text.slice(i))![0];
      if (place === null && at > i && at <= i + word.length) place = snapshot(roleHere(), i, text.slice(i, at), false);
      const literal = SCALAR.exec(word);
      if (literal) setValue(JSON.parse(literal[0]));
      i += word.length;
      continue;
    }
    i += 1;
  }
  if (place === null && at >= text.length) place = snapshot(roleHere(), at, "", false);
  return place;
}

// ---------------------------------------------------------------------------------------------------------
// Completion

function literal(value: unknown): string {
  return JSON.stringify(value);
}

/** Replaces what was typed — with its opening quote, and the closing quote the editor added — by `text`. */
function replaceTyped(text: string, quoted: boolean) {
  return (view: EditorView, _completion: Completion, from: number, to: number) => {
    const start = quoted ? from - 1 : from;
    const end = quoted && view.state.sliceDoc(to, to + 1) === '"' ? to + 1 : to;
    view.dispatch({ changes: { from: start, to: end, insert: text }, selection: { anchor: start + text.length }, userEvent: "input.complete" });
  };
}

export function schemaCompletion(schema: () => JsonSchema | null): CompletionSource {
  return (context: CompletionContext): CompletionResult | null => {
    const root = schema();
    if (!root) return null;
    const place = placeAt(context.state.doc.toString(), context.pos);
    if (!place) return null;
    if (!context.explicit && place.typed === "" && !place.quoted) return null;
    const scalarsAt = (depth: number) => place.scalars[depth];
    let options: Completion[] = [];
    if (place.role === "key") {
      const seen = new Set<string>();
      for (const s of schemasAt(root, place.path, scalarsAt)) {
        for (const [name, prop] of Object.entries(s.properties ?? {})) {
          if (seen.has(name) || (place.present.has(name) && name !== place.typed)) continue;
          seen.add(name);
          const required = s.required?.includes(name) ?? false;
          options.push({
            label: name,
            apply: replaceTyped(`${literal(name)}: `, place.quoted),
            type: "property",
            detail: required ? "required" : "",
            info: describe(alternatives(root, prop)) ?? undefined,
            boost: required ? 1 : 0,
          });
        }
      }
    } else if (place.key !== null) {
      const values = allowedValues(schemasAt(root, [...place.path, place.key], (d) => (d <= place.path.length ? scalarsAt(d) : undefined)));
      options = values.map((v) => ({ label: typeof v === "string" ? v : literal(v), apply: replaceTyped(literal(v), place.quoted), type: typeof v === "string" ? "enum" : "keyword" }));
    }
    if (options.length === 0) return null;
    return { from: place.quoted ? place.from + 1 : place.from, to: context.pos, options, validFor: /^[\w-]*$/ };
  };
}

// ---------------------------------------------------------------------------------------------------------
// Hover: the description of the property under the mouse

export function schemaHover(schema: () => JsonSchema | null) {
  return hoverTooltip((view, pos): Tooltip | null => {
    const root = schema();
    if (!root) return null;
    const node = syntaxTree(view.state).resolveInner(pos, 1);
    if (node.name !== "PropertyName") return null;
    let name: string;
    try {
      name = JSON.parse(view.state.sliceDoc(node.from, node.to)) as string;
    } catch {
      return null;
    }
    const place = placeAt(view.state.doc.toString(), node.from);
    if (!place) return null;
    const schemas = schemasAt(root, [...place.path, name], (d) => place.scalars[d]);
    const text = describe(schemas);
    if (!text && schemas.length === 0) return null;
    const values = allowedValues(schemas);
    return {
      pos: node.from,
      end: node.to,
      above: true,
      create: () => {
        const dom = document.createElement("div");
        dom.className = "json-hover";
        dom.dataset.testid = "json-hover";
        const title = document.createElement("strong");
        title.textContent = name;
        dom.append(title);
        const body = document.createElement("p");
        body.textContent = text ?? "No description in the schema.";
        dom.append(body);
        if (values.length > 0 && values.length <= 12) {
          const allowed = document.createElement("p");
          allowed.textContent = `One of: ${values.map(literal).join(", ")}`;
          dom.append(allowed);
        }
        return { dom };
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// The schema's errors, for text that parses

export interface SchemaError {
  pointer: string;
  message: string;
}

function typeOfValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function fits(type: string, value: unknown): boolean {
  const actual = typeOfValue(value);
  return type === actual || (type === "number" && actual === "integer");
}

const pointerPart = (key: Segment) => String(key).replace(/~/g, "~0").replace(/\//g, "~1");
const NAMES: Record<string, string> = { string: "a text", integer: "a whole number", number: "a number", boolean: "true or false", object: "an object { … }", array: "a list [ … ]", null: "null" };

/** Checks `value` against the schema: unknown properties, values not allowed, wrong types, missing required ones. */
export function schemaErrors(root: JsonSchema, value: unknown): SchemaError[] {
  const errors: SchemaError[] = [];
  const visit = (schema: JsonSchema, v: unknown, pointer: string, label: string) => {
    const scalars = v && typeof v === "object" && !Array.isArray(v) ? new Map(Object.entries(v)) : undefined;
    const tagged = deref(root, schema).discriminator;
    if (tagged && scalars) {
      const tag = scalars.get(tagged.propertyName);
      if (typeof tag !== "string" || !tagged.mapping[tag]) {
        const kinds = Object.keys(tagged.mapping).map(literal).join(", ");
        errors.push(tag === undefined
          ? { pointer, message: `${label} needs '${tagged.propertyName}': one of ${kinds}.` }
          : { pointer: `${pointer}/${pointerPart(tagged.propertyName)}`, message: `'${tagged.propertyName}' must be one of ${kinds}; it is ${literal(tag)}.` });
        return;
      }
    }
    const options = alternatives(root, schema, scalars);
    const s = options.find((o) => matchesShape(o, v));
    if (!s) {
      const values = allowedValues(options);
      const types = [...new Set(options.flatMap(typesOf))];
      if (values.length > 0 && options.every((o) => o.const !== undefined || o.enum)) {
        errors.push({ pointer, message: `${label} must be one of ${values.map(literal).join(", ")}; it is ${literal(v)}.` });
      } else if (types.length > 0) {
        errors.push({ pointer, message: `${label} must be ${types.map((t) => NAMES[t] ?? t).join(" or ")}.` });
      }
      return;
    }
    if (scalars) {
      for (const name of s.required ?? []) {
        if (scalars.has(name)) continue;
        const about = s.properties?.[name] ? describe(alternatives(root, s.properties[name])) : null;
        errors.push({ pointer, message: `${label} needs '${name}'${about ? ` — ${about}` : "."}` });
      }
      for (const [key, member] of scalars) {
        const child = childSchema(s, key);
        const here = `${pointer}/${pointerPart(key)}`;
        if (!child) {
          if (s.additionalProperties === false) {
            const known = Object.keys(s.properties ?? {});
            errors.push({ pointer: here, message: `'${key}' is not a property of ${label}; it may have: ${known.join(", ")}.` });
          }
          continue;
        }
        visit(child, member, here, `'${key}'`);
      }
    } else if (Array.isArray(v) && s.items) {
      v.forEach((item, index) => visit(s.items!, item, `${pointer}/${index}`, `Item ${index + 1} of ${label}`));
    }
  };
  visit(root, value, "", "The workflow");
  return errors;
}

function matchesShape(s: JsonSchema, v: unknown): boolean {
  if (s.const !== undefined) return JSON.stringify(s.const) === JSON.stringify(v);
  if (s.enum) return s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v));
  const types = typesOf(s);
  if (types.length > 0 && !types.some((t) => fits(t, v))) return false;
  // An object branch of a union matches when its constants (a state's `type`) agree.
  if (v && typeof v === "object" && !Array.isArray(v) && s.properties) {
    for (const [name, prop] of Object.entries(s.properties)) {
      if (prop.const !== undefined && name in v && JSON.stringify(prop.const) !== JSON.stringify((v as Record<string, unknown>)[name])) return false;
    }
  }
  return true;
}

/** The schema's errors as diagnostics on the text they are about. */
export function schemaDiagnostics(state: EditorState, root: JsonSchema, value: unknown): Diagnostic[] {
  return schemaErrors(root, value).flatMap((e) => {
    const range = pointerRange(state, e.pointer);
    return range ? [{ ...range, severity: "error", message: e.message, source: "schema" } satisfies Diagnostic] : [];
  });
}
