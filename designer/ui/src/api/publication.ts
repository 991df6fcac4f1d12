// Publishing with a preview, and requests to publish (docs/api.md § Drafts › Publishing).
import { getJson, sendJson } from "./http";
import type { components } from "./openapi.gen";
import type { ValidationReport, VersionDetail } from "./types";

const enc = encodeURIComponent;

export type PublicationRequest = components["schemas"]["PublicationRequestRead"];
/** The report's findings are the editor's `Finding` (types.ts keeps it equal to the served one). */
export type PublicationPreview = Omit<components["schemas"]["PublicationPreview"], "report"> & { report: ValidationReport };

export const publicationPreview = (draftId: string) => getJson<PublicationPreview>(`/api/drafts/${enc(draftId)}/publication`);
export const publishConfirmed = (draftId: string, confirmReplace: boolean) =>
  sendJson<VersionDetail>("POST", `/api/drafts/${enc(draftId)}/publish`, { confirm_replace: confirmReplace });
export const requestPublication = (draftId: string, note: string | null) =>
  sendJson<PublicationRequest>("POST", `/api/drafts/${enc(draftId)}/publication-request`, { note });
export const withdrawPublicationRequest = (draftId: string) => sendJson<void>("DELETE", `/api/drafts/${enc(draftId)}/publication-request`);
export const openPublicationRequests = () => getJson<PublicationRequest[]>("/api/publication-requests");
