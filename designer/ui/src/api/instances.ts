// Instances and their history (docs/api.md § Instances).
import { getJson, sendJson } from "./http";
import type { EventResult, HistoryEntry, InstanceDetail, InstanceStatus, InstanceSummary, MapItems, Page } from "./types";

const enc = encodeURIComponent;

export interface InstanceFilter {
  workflow?: string;
  version?: number;
  state?: string;
  status?: InstanceStatus | "";
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
}

export const listInstances = (filter: InstanceFilter) => getJson<Page<InstanceSummary>>("/api/instances", { ...filter });
export const getInstance = (id: string) => getJson<InstanceDetail>(`/api/instances/${enc(id)}`);
export const instanceHistory = (id: string, limit = 500, offset = 0) =>
  getJson<Page<HistoryEntry>>(`/api/instances/${enc(id)}/history`, { limit, offset });
/** The `limit` transitions before seq `before` (the latest when absent): read newest first, given oldest first. */
export async function historyBefore(id: string, limit = 500, before?: number): Promise<Page<HistoryEntry>> {
  const page = await getJson<Page<HistoryEntry>>(`/api/instances/${enc(id)}/history`, { order: "desc", limit, before });
  return { ...page, items: [...page.items].reverse() };
}
export const startInstance = (workflowId: string, context: Record<string, unknown>, version?: number) =>
  sendJson<InstanceDetail>("POST", "/api/instances", { workflow_id: workflowId, context, ...(version ? { version } : {}) });
export const sendEvent = (id: string, event: string, payload: Record<string, unknown>) =>
  sendJson<InstanceDetail>("POST", `/api/instances/${enc(id)}/events`, { event, payload });
/** Publish an event to the deployment (docs/api.md § Events): instances waiting for it (with that correlation key)
 * resume, workflows starting on it start. */
export const publishEvent = (type: string, payload: Record<string, unknown>, correlationKey: string | null) =>
  sendJson<EventResult>("POST", "/api/events", { type, payload, ...(correlationKey ? { correlation_key: correlationKey } : {}) });
export const cancelInstance = (id: string) => sendJson<InstanceDetail>("POST", `/api/instances/${enc(id)}/cancel`);
export const redriveInstance = (id: string, corrections: Record<string, unknown> = {}) =>
  sendJson<InstanceDetail>("POST", `/api/instances/${enc(id)}/redrive`, Object.keys(corrections).length ? { set: corrections } : undefined);
/** The items of the instance's latest map visit, in item order: a page of them, of one status if given, with their
 * counts by status (docs/api.md § Instances). */
export const mapItems = (id: string, status: InstanceStatus | "", limit: number, offset: number) =>
  getJson<MapItems>(`/api/instances/${enc(id)}/items`, { status: status || undefined, limit, offset });
/** One item's transitions, oldest first (the item `index` of the instance's latest map visit). */
export const mapItemHistory = (id: string, index: number, limit = 100) =>
  getJson<Page<HistoryEntry>>(`/api/instances/${enc(id)}/items/${index}/history`, { limit });
