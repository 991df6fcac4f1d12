// What an approval asks, by its kind: an approval state's request fields, a policy's gate, or an agent that
// wants to run an action (who, which action, why, with which input) — in the words the inbox shows.
import type { AgentApprovalRequest, ApprovalSummary } from "../api/types";
import { formatFact } from "../components/format";

const KIND_LABEL: Record<ApprovalSummary["kind"], string> = {
  state: "Approval",
  policy: "Policy approval",
  agent: "Agent approval",
};

export function kindLabel(kind: ApprovalSummary["kind"]): string {
  return KIND_LABEL[kind] ?? "Approval";
}

/** The request of an agent approval, or null when the approval is of another kind (or the request is not one). */
export function agentRequest(approval: { kind: ApprovalSummary["kind"]; request: Record<string, unknown> }): AgentApprovalRequest | null {
  const r = approval.request;
  if (approval.kind !== "agent" || typeof r.agent_name !== "string" || typeof r.action !== "string") return null;
  return r as unknown as AgentApprovalRequest;
}

/** "BDR Concierge wants to run book_meeting", with the action in monospace. */
export function AgentWants({ request }: { request: AgentApprovalRequest }) {
  return (
    <>
      <span data-testid="agent-name">{request.agent_name}</span> wants to run <code data-testid="agent-action">{request.action}</code>
    </>
  );
}

export function KindTag({ kind }: { kind: ApprovalSummary["kind"] }) {
  return (
    <span className={`kind-tag kind-${kind}`} data-testid="approval-kind">
      {kindLabel(kind)}
    </span>
  );
}

/** An agent approval's request: the reason, the agent and its version, the action and the input it would get. */
export function AgentRequestView({ request }: { request: AgentApprovalRequest }) {
  return (
    <div className="agent-request" data-testid="agent-request">
      {request.reason && (
        <p data-testid="agent-reason">
          {request.reason}
          {/[.!?]$/.test(request.reason) ? "" : "."}
        </p>
      )}
      <dl className="facts">
        <dt>Agent</dt>
        <dd>
          {request.agent_name}{" "}
          <span className="muted mono small">
            {request.agent} v{request.agent_version}
          </span>
        </dd>
        <dt>Action</dt>
        <dd className="mono">{request.action}</dd>
      </dl>
      <h3>Input the action will get</h3>
      <pre className="mono context-json" data-testid="agent-input">
        {JSON.stringify(request.input ?? {}, null, 2)}
      </pre>
      <p className="muted small">Approving lets the agent run the action now; rejecting takes the task's error path instead.</p>
    </div>
  );
}

/** An approval state's or a policy's request: the fields the definition chose to show. */
export function RequestFields({ request }: { request: Record<string, unknown> }) {
  if (Object.keys(request).length === 0) return <p className="muted">The workflow shows nothing specific; see the context below.</p>;
  return (
    <dl className="facts" data-testid="approval-request">
      {Object.entries(request).map(([k, v]) => (
        <div key={k} className="fact">
          <dt>{k}</dt>
          <dd className="mono">{formatFact(k, v)}</dd>
        </div>
      ))}
    </dl>
  );
}
