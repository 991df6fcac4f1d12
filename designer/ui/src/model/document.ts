// Between JSON text and the workflow the canvas draws: parse with a located error, or print canonically.
import type { State, Workflow } from "./workflow";

export type ParseResult =
  | { ok: true; workflow: Workflow }
  | { ok: false; message: string; line: number | null; column: number | null };

export function formatWorkflow(workflow: Workflow): string {
  return `${JSON.stringify(workflow, null, 2)}\n`;
}

export function parseWorkflowText(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return syntaxError(text, error instanceof Error ? error.message : String(error));
  }
  const twice = firstRepeatedKey(text);
  if (twice) {
    // JSON.parse keeps the last of the two, so the first (a state pasted under an id already used, say) would
    // vanish without a word.
    const before = text.slice(0, twice.offset).split("\n");
    return { ok: false, message: REPEATED_KEY(twice.key), line: before.length, column: before[before.length - 1]!.length + 1 };
  }
  const inexact = firstInexactNumber(text);
  if (inexact) {
    const before = text.slice(0, inexact.offset).split("\n");
    return { ok: false, message: INEXACT_NUMBER(inexact.token), line: before.length, column: before[before.length - 1]!.length + 1 };
  }
  return asWorkflow(value);
}

export const REPEATED_KEY = (key: string) =>
  `'${key}' is written twice in the same object; only one of them would be kept. Rename or remove one.`;

/** The first number of a valid JSON text that JavaScript cannot hold as written — a whole number past
 * 9,007,199,254,740,991 (an account id of 20 digits comes back with its last digits changed) or one too large
 * for any number (it would be written as null) — with its offset; null when every number is kept exactly. */
export function firstInexactNumber(text: string): { token: string; offset: number } | null {
  const number = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (c === '"') {
      for (i += 1; text[i] !== '"'; i += 1) if (text[i] === "\\") i += 1;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      number.lastIndex = i;
      const token = number.exec(text)?.[0] ?? c;
      const value = Number(token);
      const whole = !/[.eE]/.test(token);
      if (!Number.isFinite(value) || (whole && !Number.isSafeInteger(value))) return { token, offset: i };
      i += token.length - 1;
    }
  }
  return null;
}

export const INEXACT_NUMBER = (token: string) =>
  `The number ${token.length > 40 ? `${token.slice(0, 40)}…` : token} cannot be kept exactly (whole numbers up to 9007199254740991); write it as a string, in quotes, if it is an id.`;

/** The first key written a second time in one object of a valid JSON text, with the offset of that second
 * time; null when every object's keys are distinct. */
export function firstRepeatedKey(text: string): { key: string; offset: number } | null {
  const objects: (Set<string> | null)[] = []; // the keys seen in each open object; null for an array
  let expectKey = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (c === "{") {
      objects.push(new Set());
      expectKey = true;
    } else if (c === "[") {
      objects.push(null);
    } else if (c === "}" || c === "]") {
      objects.pop();
    } else if (c === ",") {
      expectKey = objects[objects.length - 1] != null;
    } else if (c === '"') {
      const start = i;
      for (i += 1; text[i] !== '"'; i += 1) if (text[i] === "\\") i += 1;
      const keys = objects[objects.length - 1];
      if (expectKey && keys) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (keys.has(key)) return { key, offset: start };
        keys.add(key);
        expectKey = false;
      }
    }
  }
  return null;
}

/**
 * Accept any JSON object whose `states` and `transitions` have the shape the canvas needs; everything
 * else (missing fields, wrong types inside a state) is left for the server's validation to report.
 */
export function asWorkflow(value: unknown): ParseResult {
  const fail = (message: string): ParseResult => ({ ok: false, message, line: null, column: null });
  if (!isObject(value)) return fail("The definition must be a JSON object { … }.");
  const states = value.states ?? {};
  if (!isObject(states)) return fail("'states' must be an object mapping state ids to states.");
  for (const [id, state] of Object.entries(states)) {
    if (!isObject(state)) return fail(`The state '${id}' must be an object such as {"type": "task", …}.`);
  }
  const transitions = value.transitions ?? [];
  if (!Array.isArray(transitions)) return fail("'transitions' must be a list [ … ].");
  for (const [index, t] of transitions.entries()) {
    if (!isObject(t)) return fail(`Transition ${index + 1} must be an object such as {"source": …, "dest": …}.`);
  }
  const layout = value.layout ?? {};
  if (!isObject(layout)) return fail("'layout' must be an object mapping state ids to {x, y}.");
  for (const key of ["id", "title", "initial"] as const) {
    if (key in value && typeof value[key] !== "string") return fail(`'${key}' must be a string.`);
  }
  const workflow = { ...value, states: states as Record<string, State>, transitions } as Workflow;
  return { ok: true, workflow };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function syntaxError(text: string, message: string): ParseResult {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) {
    return { ok: false, message: cleanMessage(message), line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  }
  const position = /position (\d+)/.exec(message);
  if (position) {
    const offset = Number(position[1]);
    const before = text.slice(0, offset).split("\n");
    return { ok: false, message: cleanMessage(message), line: before.length, column: before[before.length - 1]!.length + 1 };
  }
  return { ok: false, message: cleanMessage(message), line: null, column: null };
}

function cleanMessage(message: string): string {
  return message.replace(/^JSON\.parse: /, "").replace(/ \(line \d+ column \d+\)/, "");
}

/** Whether two documents are the same JSON: the same values, whatever the order of keys (a key whose value is
 * undefined counts as absent, as JSON drops it). Unchanged parts of an edited document are shared, so this
 * mostly compares references. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined);
  const ak = keys(a);
  return ak.length === keys(b).length && ak.every((k) => sameJson(a[k], b[k]));
}
