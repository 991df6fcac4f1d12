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
