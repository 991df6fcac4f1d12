// The approvals inbox and decisions (docs/api.md § Approvals).
import { getJson, sendJson } from "./http";
import type { ApprovalDetail, ApprovalSummary, Decision, Page } from "./types";

const enc = encodeURIComponent;

export type ApprovalStatus = "pending" | "decided" | "all";

export const listApprovals = (status: ApprovalStatus = "pending", workflow?: string, limit = 100, offset = 0) =>
  getJson<Page<ApprovalSummary>>("/api/approvals", { status, workflow, limit, offset });
/** My decisions, newest first: the `limit` after my decision on the approval `before` (the last one a page showed),
 * or the newest when absent — a place in the list, so decisions taken meanwhile neither repeat nor hide one. */
export const myDecisions = (limit = 100, before?: number) => getJson<Page<Decision>>("/api/approvals/decisions", { mine: true, limit, before });
export const getApproval = (id: number) => getJson<ApprovalDetail>(`/api/approvals/${enc(id)}`);
export const decide = (id: number, decision: "approve" | "reject", comment: string | null) =>
  sendJson<ApprovalDetail>("POST", `/api/approvals/${enc(id)}/decision`, { decision, comment });
