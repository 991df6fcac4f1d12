// What the designer's pickers list: registered actions, deployed agents and workflows (docs/api.md § Catalog).
// Fetched once per page load and shared by every inspector; `refreshCatalog` asks again (after a publish).
import type { JsonSchema } from "../editor/schemaAssist";
import { getJson } from "./http";

export interface ActionUse {
  workflow_id: string;
  state: string;
  /** The task's input mapping there: key → CEL expression. */
  input: Record<string, string>;
  output: string | null;
  output_schema: Record<string, unknown> | null;
}

export interface ActionEntry {
  name: string;
  agents: string[];
  uses: ActionUse[];
}

export interface AgentEntry {
  id: string;
  name: string;
  type: string;
  level: string;
  actions: string[];
  policies: { approval_required?: boolean; budget_limit?: number; timeout_seconds?: number; approvers?: { roles?: string[]; users?: string[] } };
}

export interface WorkflowEntry {
  id: string;
  title: string;
  latest_version: number;
  description: string | null;
  required_context: string[];
}

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
