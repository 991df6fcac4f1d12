// Migrating running instances to another version (docs/api.md § Migration): the preview before publishing (a
// draft as the next version), the preview of two published versions, and the apply (publishers).
import { getJson, sendJson } from "./http";

const enc = encodeURIComponent;

export interface PendingWork {
  kind: "timer" | "event_wait" | "approval" | "action" | "child";
  detail: string;
  outcome: "carried" | "cancelled" | "untouched";
}

export interface InstancePlan {
  instance_id: string;
  tenant: string;
  status: string;
  seq: number;
  state: string;
  target_state: string | null;
  state_change: "kept" | "mapped" | "missing";
  entry: "carried" | "entered" | null;
  context_valid: boolean;
  context_problems: string[];
  pending: PendingWork[];
  refused: string | null;
  notes: string[];
}

export interface Migration {
  workflow_id: string;
  from_version: number;
  to_version: number;
  mapping: Record<string, string>;
  applied: boolean;
  instances: number;
  would_migrate: number;
  refused: number;
  refusals: { reason: string; instances: number }[];
  migrated: string[];
  plans: InstancePlan[];
}

export const draftMigration = (draftId: string) => getJson<Migration>(`/api/drafts/${enc(draftId)}/migration`);
/** A mapping as the `map` query parameter: `a:b,c:d` (undefined when empty). */
const mapParameter = (mapping: Record<string, string>) => Object.entries(mapping).map(([a, b]) => `${a}:${b}`).join(",") || undefined;

export const migrationPreview = (workflowId: string, from: number, to: number, mapping: Record<string, string> = {}) =>
  getJson<Migration>(`/api/definitions/${enc(workflowId)}/migration`, { from, to, map: mapParameter(mapping) });
export const applyMigration = (workflowId: string, from: number, to: number, mapping: Record<string, string> = {}) =>
  sendJson<Migration>("POST", `/api/definitions/${enc(workflowId)}/migration`, { from_version: from, to_version: to, mapping });
