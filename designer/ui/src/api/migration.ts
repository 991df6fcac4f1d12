// Migrating running instances to another version (docs/api.md § Migration): the preview before publishing (a
// draft as the next version), the preview of two published versions, and the apply (publishers). An answer
// counts and groups every instance and lists their plans a page at a time: `after` is the `next` of the page
// before.
import { getJson, sendJson } from "./http";
import type { components } from "./openapi.gen";

const enc = encodeURIComponent;

type Schemas = components["schemas"];

export type PendingWork = Schemas["PendingWorkRead"];
export type InstancePlan = Schemas["InstancePlanRead"];
export type PlanGroup = Schemas["PlanGroupRead"];
export type WorkCount = Schemas["WorkCountRead"];
export type Migration = Schemas["MigrationRead"];

/** Which page of plans: after the instance `after` (the `next` of the page before), of one `state`'s instances. */
export interface PlanPageQuery {
  after?: string;
  state?: string;
}

/** A mapping as the `map` query parameter: `a:b,c:d` (undefined when empty). */
const mapParameter = (mapping: Record<string, string>) => Object.entries(mapping).map(([a, b]) => `${a}:${b}`).join(",") || undefined;

/** The migration the draft would make once published; `mapping` sends the states the draft lacks to its own. */
export const draftMigration = (draftId: string, page: PlanPageQuery = {}, mapping: Record<string, string> = {}) =>
  getJson<Migration>(`/api/drafts/${enc(draftId)}/migration`, { map: mapParameter(mapping), ...page });

export const migrationPreview = (workflowId: string, from: number, to: number, mapping: Record<string, string> = {}, page: PlanPageQuery = {}) =>
  getJson<Migration>(`/api/definitions/${enc(workflowId)}/migration`, { from, to, map: mapParameter(mapping), ...page });
export const applyMigration = (workflowId: string, from: number, to: number, mapping: Record<string, string> = {}) =>
  sendJson<Migration>("POST", `/api/definitions/${enc(workflowId)}/migration`, { from_version: from, to_version: to, mapping });
