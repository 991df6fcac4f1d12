// Where a finding is, for a finding that is not about a state or a transition (the Problems panel names
// those): an example, the context schema, a policy, a start trigger, a field of the workflow itself — in words
// ("Example 'low risk': name"), and which inspector field edits it, so a click on the finding can go there.
import type { Workflow } from "./workflow";

/** The workflow inspector's field for each top-level key it edits (data-testid). */
const FIELDS: Record<string, string> = {
  id: "field-workflow-id",
  title: "field-workflow-title",
  description: "field-workflow-description",
  sla: "field-workflow-sla",
  initial: "field-initial",
  context: "field-context-schema",
  examples: "field-examples",
};

const NAMES: Record<string, string> = {
  "": "Workflow",
  id: "Workflow id",
  title: "Title",
  description: "Description",
  sla: "SLA",
  initial: "Initial state",
  version: "Version",
  context: "Context schema",
  examples: "Examples",
  policies: "Policies",
  schedules: "Schedules",
  starts_on: "Start triggers",
};

function tokensOf(pointer: string): string[] {
  return pointer === "" ? [] : pointer.replace(/^\//, "").split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The name an item of a list of the workflow goes by: an example's name, a policy's id, a trigger's event. */
function itemName(list: unknown, index: string, key: string): string | null {
  const item = Array.isArray(list) ? (list[Number(index)] as unknown) : undefined;
  const name = item && typeof item === "object" ? (item as Record<string, unknown>)[key] : undefined;
  return typeof name === "string" && name ? name : null;
}

const ITEMS: Record<string, { noun: string; key: string }> = {
  examples: { noun: "Example", key: "name" },
  policies: { noun: "Policy", key: "id" },
  schedules: { noun: "Schedule", key: "id" },
  starts_on: { noun: "Start trigger", key: "event" },
};

/**
 * "Example 'low risk': name", "Context schema: properties › vendor", "Title" — where a finding at `pointer` (from
 * the workflow's root) is; null when the pointer is about a state, a transition or a state's saved position,
 * which the panel names by their ids.
 */
export function placeInWorkflow(pointer: string, workflow: Workflow): string | null {
  const [head = "", second, ...rest] = tokensOf(pointer);
  if (head === "states" || head === "transitions" || head === "layout") return null;
  const item = ITEMS[head];
  if (item && second !== undefined && /^\d+$/.test(second)) {
    const name = itemName(workflow[head], second, item.key);
    const label = name ? `${item.noun} '${name}'` : `${item.noun} ${Number(second) + 1}`;
    return rest.length ? `${label}: ${rest.join(" › ")}` : label;
  }
  const label = NAMES[head] ?? head;
  const path = [second, ...rest].filter((t): t is string => t !== undefined);
  return path.length ? `${label}: ${path.join(" › ")}` : label;
}

/** The workflow inspector's field that edits what `pointer` points at, and the pointer within that field's
 * value; null when no field of the inspector edits it (the JSON view does). */
export function fieldOf(pointer: string): { testId: string; within: string } | null {
  const [head = "", ...rest] = tokensOf(pointer);
  const testId = FIELDS[head];
  if (!testId) return null;
  return { testId, within: rest.map((t) => `/${t.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("") };
}

/** A field of the state or transition inspector: the inspector (data-testid), the field's data-testid, and the
 * pointer within the field's value (a JSON field: the branches), as `fieldOf` gives one of the workflow's. */
export interface ElementField {
  inspector: "state-inspector" | "transition-inspector";
  /** The state (or the transition's index) whose inspector has the field. */
  state?: string;
  transition?: number;
  testId: string;
  within: string;
}

/** The state inspector's field for a state's key, where its data-testid is not `field-<key>`. */
const STATE_FIELDS: Record<string, string> = {
  approvers: "field-approvers-roles",
  escalation: "field-escalation-enabled",
  event: "field-event-type",
  join: "field-join-mode",
  retry: "field-retry-enabled",
  iterator: "open-iterator",
};

/** The transition inspector's field for a transition's key, where its data-testid is not `field-<key>`. */
const TRANSITION_FIELDS: Record<string, string> = {
  description: "field-transition-description",
  id: "field-transition-id",
};

/** Keys with no field of their own in the inspector (the JSON view edits them). */
const NO_FIELD = new Set(["ask_user", "index_key", "layout"]);

const RETRY_FIELDS = new Set(["errors", "max_attempts", "backoff", "initial_interval_s", "max_interval_s", "multiplier", "jitter"]);

/** The row of an expression map (input, request, result, assign) editing `key`: `<testId>-value-<row>`. */
function expressionRow(testId: string, entries: unknown, key: string | undefined): string {
  if (key === undefined || !entries || typeof entries !== "object") return testId;
  const row = Object.keys(entries).indexOf(key);
  return row < 0 ? testId : `${testId}-value-${row}`;
}

function stateField(state: Record<string, unknown>, [key = "", ...rest]: string[]): { testId: string; within: string } | null {
  if (!key || NO_FIELD.has(key)) return null;
  const [second, third] = rest;
  switch (key) {
    case "input":
    case "request":
    case "result":
      return { testId: expressionRow(`field-${key}`, state[key], second), within: "" };
    case "approvers":
      return { testId: second === "users" ? "field-approvers-users" : "field-approvers-roles", within: "" };
    case "escalation":
      if (second === "after") return { testId: "field-escalation-after", within: "" };
      if (second === "to") return { testId: third === "users" ? "field-escalation-users" : "field-escalation-roles", within: "" };
      break;
    case "event":
      return { testId: second === "correlation" ? "field-event-correlation" : "field-event-type", within: "" };
    case "join":
      return { testId: second === "quorum" || second === "on_failure" ? `field-join-${second}` : "field-join-mode", within: "" };
    case "branches":
      return { testId: "field-branches", within: rest.map((t) => `/${t.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("") };
    case "retry": {
      // A list of rules (retry/1/max_attempts), or the one policy object shown as rule 0 (retry/max_attempts).
      const [rule, field] = second !== undefined && /^\d+$/.test(second) ? [second, third] : ["0", second === "retry_on" ? "errors" : second];
      if (field && RETRY_FIELDS.has(field)) return { testId: `field-retry-${rule}-${field}`, within: "" };
      return { testId: second === undefined ? "field-retry-enabled" : `retry-rule-${rule}`, within: "" };
    }
  }
  return { testId: STATE_FIELDS[key] ?? `field-${key}`, within: "" };
}

function transitionField(transition: Record<string, unknown>, [key = "", second]: string[]): { testId: string; within: string } | null {
  if (!key) return null;
  if (key === "assign") return { testId: expressionRow("field-assign", transition.assign, second), within: "" };
  return { testId: TRANSITION_FIELDS[key] ?? `field-${key}`, within: "" };
}

/**
 * The state or transition of the machine that `pointer` (from the machine's root) is inside — `/transitions/2/guard`:
 * transition 2 (counted from 0); `/states/check/input/order`: the state 'check' — or null when it is inside neither
 * (the workflow's own fields, an example, the layout).
 */
export function elementAt(pointer: string): { state: string } | { transition: number } | null {
  const [head, id] = tokensOf(pointer);
  if (head === "states" && id) return { state: id };
  if (head === "transitions" && id !== undefined && /^\d+$/.test(id)) return { transition: Number(id) };
  return null;
}

/** Findings about a state that lacks a way out (no transition on 'done', none at all, no default of a choice …):
 * fixed by adding a transition, so they go to the state's "New transition to". */
const WAYS_OUT = new Set(["dead-end", "no-path-to-final", "missing-done-path", "missing-approval-outcome", "task-without-error-path", "choice-without-default"]);
const NEW_TRANSITION = "new-transition-dest";

/**
 * The inspector field that edits what `pointer` (from the root of `machine`, the machine on the canvas) points at
 * inside one state or transition — `/transitions/1/guard`: the guard of transition 2; `/states/check/input/order`:
 * the row of the input mapping for `order` — or null when the pointer is about the element as a whole or a part
 * of it no inspector field edits. A finding (`code`) about a whole state that lacks a way out goes to where one is
 * added: the state's "New transition to". Whether the inspector shows that field (a state's type decides) is for
 * the page to find out.
 */
export function elementFieldOf(pointer: string, machine: Workflow, code?: string): ElementField | null {
  const [head, id = "", ...rest] = tokensOf(pointer);
  if (head === "states") {
    const state = machine.states[id];
    if (state && rest.length === 0 && code !== undefined && WAYS_OUT.has(code)) return { inspector: "state-inspector", state: id, testId: NEW_TRANSITION, within: "" };
    const field = state ? stateField(state as unknown as Record<string, unknown>, rest) : null;
    return field && { inspector: "state-inspector", state: id, ...field };
  }
  if (head === "transitions" && /^\d+$/.test(id)) {
    const transition = machine.transitions[Number(id)];
    const field = transition ? transitionField(transition as unknown as Record<string, unknown>, rest) : null;
    return field && { inspector: "transition-inspector", transition: Number(id), ...field };
  }
  return null;
}
