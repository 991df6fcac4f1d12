// Publishing with a preview, and requests to publish (docs/api.md § Drafts › Publishing).
import { getJson, sendJson } from "./http";
import type { Diff, ValidationReport, VersionDetail } from "./types";

const enc = encodeURIComponent;

export interface PublicationRequest {
  draft_id: string;
  workflow_id: string | null;
  title: string | null;
  revision: number;
  note: string | null;
  requested_by: string;
  requested_at: string;
}

export interface PublicationPreview {
  draft_id: string;
  workflow_id: string | null;
  title: string | null;
  revision: number;
  base_version: number | null;
  published_version: number | null;
  next_version: number | null;
  replaces_other_flow: boolean;
  base_outdated: boolean;
  diff: Diff | null;
  report: ValidationReport;
  request: PublicationRequest | null;
}

export const publicationPreview = (draftId: string) => getJson<PublicationPreview>(`/api/drafts/${enc(draftId)}/publication`);
export const publishConfirmed = (draftId: string, confirmReplace: boolean) =>
  sendJson<VersionDetail>("POST", `/api/drafts/${enc(draftId)}/publish`, { confirm_replace: confirmReplace });
export const requestPublication = (draftId: string, note: string | null) =>
  sendJson<PublicationRequest>("POST", `/api/drafts/${enc(draftId)}/publication-request`, { note });
export const withdrawPublicationRequest = (draftId: string) => sendJson<void>("DELETE", `/api/drafts/${enc(draftId)}/publication-request`);
export const openPublicationRequests = () => getJson<PublicationRequest[]>("/api/publication-requests");
