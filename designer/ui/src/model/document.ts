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
  return asWorkflow(value);
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
