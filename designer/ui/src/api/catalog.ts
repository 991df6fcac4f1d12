// What the designer's pickers list: registered actions, deployed agents and workflows (docs/api.md § Catalog).
// Fetched once per page load and shared by every inspector; `refreshCatalog` asks again (after a publish).
import type { JsonSchema } from "../editor/schemaAssist";
import { getJson } from "./http";
import type { components } from "./openapi.gen";

type Schemas = components["schemas"];

/** How a deployed task calls an action: its input mapping (key → CEL expression) and output key. */
export type ActionUse = Schemas["ActionUse"];
export type ActionEntry = Schemas["ActionEntry"];
export type AgentEntry = Schemas["AgentEntry"];
export type WorkflowEntry = Schemas["WorkflowEntry"];

/** Client-side: the three lists fetched together for the pickers. */
export interface PickerCatalog {
  actions: ActionEntry[];
  agents: AgentEntry[];
  workflows: WorkflowEntry[];
}

let cached: Promise<PickerCatalog> | null = null;

export function loadCatalog(): Promise<PickerCatalog> {
  cached ??= Promise.all([
    getJson<ActionEntry[]>("/api/catalog/actions"),
    getJson<AgentEntry[]>("/api/catalog/agents"),
    getJson<WorkflowEntry[]>("/api/catalog/workflows"),
  ]).then(([actions, agents, workflows]) => ({ actions, agents, workflows }));
  cached.catch(() => {
    cached = null;
  });
  return cached;
}

let schema: Promise<JsonSchema> | null = null;

/** The JSON Schema of a workflow definition (the JSON view's completion, hover docs and schema errors). */
export function loadWorkflowSchema(): Promise<JsonSchema> {
  schema ??= getJson<JsonSchema>("/api/catalog/schema/workflow");
  schema.catch(() => {
    schema = null;
  });
  return schema;
}

export function refreshCatalog(): void {
  cached = null;
}
