// Published definitions, their versions and diffs, and drafts (docs/api.md § Definitions, § Drafts).
import { getJson, sayingWhatIsKept, sendJson } from "./http";
import type { DefinitionSummary, Diff, Draft, DraftSummary, Page, ValidationReport, VersionDetail, VersionSummary } from "./types";

const enc = encodeURIComponent;

export const listDefinitions = (q = "", limit = 200, offset = 0) =>
  getJson<Page<DefinitionSummary>>("/api/definitions", { q, limit, offset });
export const getDefinition = (id: string) => getJson<VersionDetail>(`/api/definitions/${enc(id)}`);
export const listVersions = (id: string, limit = 100, offset = 0) =>
  getJson<Page<VersionSummary>>(`/api/definitions/${enc(id)}/versions`, { limit, offset });
export const getVersion = (id: string, version: number) => getJson<VersionDetail>(`/api/definitions/${enc(id)}/versions/${version}`);
export const diffVersions = (id: string, from: number, to: number) => getJson<Diff>(`/api/definitions/${enc(id)}/diff`, { from, to });

export const listDrafts = (workflow?: string, limit = 200, offset = 0) =>
  getJson<Page<DraftSummary>>("/api/drafts", { workflow, limit, offset });
export const getDraft = (id: string) => getJson<Draft>(`/api/drafts/${enc(id)}`);
export const createDraftFromContent = (content: Record<string, unknown>, baseVersion?: number | null) =>
  sendJson<Draft>("POST", "/api/drafts", { content, ...(baseVersion ? { base_version: baseVersion } : {}) });
/** A draft of a new workflow: refused (409 id-taken) when its id is already published or another new draft's. */
export const createNewWorkflowDraft = (content: Record<string, unknown>) => sendJson<Draft>("POST", "/api/drafts", { content, new_workflow: true });
export const createDraftFromVersion = (workflowId: string, baseVersion?: number) =>
  sendJson<Draft>("POST", "/api/drafts", { workflow_id: workflowId, ...(baseVersion ? { base_version: baseVersion } : {}) });
/** Saving while the server is away loses nothing: the editor keeps the changes, and its refusal says so. */
export const updateDraft = (id: string, content: Record<string, unknown>, expectedRevision?: number) =>
  sayingWhatIsKept(
    sendJson<Draft>("PUT", `/api/drafts/${enc(id)}`, { content, ...(expectedRevision !== undefined ? { expected_revision: expectedRevision } : {}) }),
    "Your changes are kept in this tab: save again once the server is back.",
  );
export const deleteDraft = (id: string) => sendJson<void>("DELETE", `/api/drafts/${enc(id)}`);
export const validateDraft = (id: string) => sendJson<ValidationReport>("POST", `/api/drafts/${enc(id)}/validate`);
export const publishDraft = (id: string) => sendJson<VersionDetail>("POST", `/api/drafts/${enc(id)}/publish`);
