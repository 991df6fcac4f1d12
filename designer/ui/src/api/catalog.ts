// What the designer's pickers list: registered actions, deployed agents and workflows (docs/api.md § Catalog).
// Fetched once per page load and shared by every inspector; asked again while it cannot be had, and by
// `refreshCatalog` (after a publish).
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

/** What the pickers have: the catalog once loaded; while it cannot be had, why not (in words). */
export interface CatalogState {
  catalog: PickerCatalog | null;
  loading: boolean;
  error: string | null;
}

// One catalog per page, shared by every inspector. A load that failed (the server down, a restart) is not
// kept: `requestCatalog` asks again, and the pickers ask again by themselves until it answers.
let state: CatalogState = { catalog: null, loading: false, error: null };
let inFlight: Promise<void> | null = null;
const listeners = new Set<() => void>();

function update(next: CatalogState): void {
  state = next;
  listeners.forEach((listener) => listener());
}

export function catalogState(): CatalogState {
  return state;
}

export function subscribeCatalog(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Load the catalog unless it is loaded (or `again`) or loading; a failure is kept in words until the next try,
 * beside the lists loaded before, if any. */
export function requestCatalog(again = false): Promise<void> {
  if (inFlight) return inFlight;
  if (state.catalog && !again) return Promise.resolve();
  update({ ...state, loading: true });
  inFlight = Promise.all([
    getJson<ActionEntry[]>("/api/catalog/actions"),
    getJson<AgentEntry[]>("/api/catalog/agents"),
    getJson<WorkflowEntry[]>("/api/catalog/workflows"),
  ])
    .then(([actions, agents, workflows]) => update({ catalog: { actions, agents, workflows }, loading: false, error: null }))
    .catch((e: unknown) => update({ catalog: state.catalog, loading: false, error: e instanceof Error ? e.message : String(e) }))
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
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

/** Ask again (after a publish: a new workflow, new uses of an action); the pickers keep the old lists meanwhile. */
export function refreshCatalog(): void {
  void requestCatalog(true);
}
