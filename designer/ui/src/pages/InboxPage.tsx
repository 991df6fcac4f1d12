// The approvals inbox: requests assigned to me (by my approver roles or my name) with what I need to
// decide them, a comment, approve or reject; and my past decisions, newest first, a page at a time however many
// there are (useDecisionPages.ts).
import { useRef, useState } from "react";
import { decide, getApproval, listApprovals } from "../api/approvals";
import { ApiError } from "../api/http";
import { useLiveChanges } from "../api/live";
import { openPublicationRequests } from "../api/publication";
import type { ApprovalDetail, ApprovalSummary, Page } from "../api/types";
import { Link } from "../app/router";
import { useSession } from "../auth/session";
import { formatCount, formatFact, formatRelative, formatTime } from "../components/format";
import Notice from "../components/Notice";
import { useAsync } from "../components/useAsync";
import { AgentRequestView, AgentWants, KindTag, RequestFields, agentRequest } from "./ApprovalRequest";
import { shortId } from "./shortId";
import Timeline from "./Timeline";
import { DECISIONS_PAGE, key as decisionKey, useDecisionPages } from "./useDecisionPages";

type Tab = "pending" | "decisions";
const COMMENT_MAX = 4000; // a decision's comment (designer/schemas/approvals.py)
const INBOX_PAGE = 100; // requests loaded at a time, the oldest first; "Show more" loads the next

/** The oldest `pages` pages of pending requests, as one page (its `total` is every request waiting). */
async function pendingPages(pages: number): Promise<Page<ApprovalSummary>> {
  const first = await listApprovals("pending", undefined, INBOX_PAGE, 0);
  const items = [...first.items];
  for (let page = 1; page < pages && items.length < first.total; page += 1) {
    items.push(...(await listApprovals("pending", undefined, INBOX_PAGE, page * INBOX_PAGE)).items);
  }
  return { ...first, items };
}

export default function InboxPage() {
  const [tab, setTab] = useState<Tab>("pending");
  const [openId, setOpenId] = useState<number | null>(null);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  /** Where the keyboard goes on after a decision (the decided request's detail is gone): the list of the rest. */
  const list = useRef<HTMLDivElement>(null);
  const [pages, setPages] = useState(1);
  const pending = useAsync(() => pendingPages(pages), [tab, pages]);
  const decisions = useDecisionPages();
  const { can } = useSession();
  const publishing = can("publish");
  const requests = useAsync(() => (publishing ? openPublicationRequests() : Promise.resolve([])), [tab, publishing]);
  useLiveChanges(["approvals", "publications"], () => {
    pending.reload();
    decisions.refresh();
    requests.reload();
  });
  return (
    <div className="page inbox-page" data-testid="inbox-page">
      <h1>Approvals</h1>
      <div className="view-tabs" role="tablist" aria-label="Approvals">
        <button type="button" role="tab" aria-selected={tab === "pending"} onClick={() => setTab("pending")} data-testid="tab-pending">
          Waiting for me ({pending.data ? formatCount(pending.data.total + (requests.data?.length ?? 0)) : "…"})
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === "decisions"}
          onClick={() => {
            setTab("decisions");
            decisions.refresh();
          }}
          data-testid="tab-decisions"
        >
          My decisions ({decisions.total === null ? "…" : formatCount(decisions.total)})
        </button>
      </div>
      {message && <Notice kind={message.kind} testId="inbox-message" onClose={() => setMessage(null)}>{message.text}</Notice>}
      {tab === "pending" && (
        <div className="inbox-body">
          <div className="inbox-list" ref={list} tabIndex={-1} aria-label="Requests waiting for you" data-testid="inbox-list">
            {pending.error && <Notice kind="error">{pending.error}</Notice>}
            {requests.data && requests.data.length > 0 && (
              <section aria-labelledby="publication-requests-heading" data-testid="publication-requests">
                <h2 id="publication-requests-heading" className="small-heading">Drafts to publish</h2>
                <ul className="cards">
                  {requests.data.map((r) => (
                    <li key={r.draft_id}>
                      <Link to={`/drafts/${encodeURIComponent(r.draft_id)}`} className="card card-publication" data-testid={`publication-request-${r.workflow_id ?? r.draft_id}`}>
                        <strong>
                          Publish {r.title ?? r.workflow_id} <code className="muted">{r.workflow_id}</code>
                        </strong>
                        <span className="small">
                          asked by {r.requested_by} · {formatTime(r.requested_at)} · revision {r.revision}
                        </span>
                        {r.note && <span className="muted small">“{r.note}”</span>}
                      </Link>
                    </li>
                  ))}
                </ul>
              </section>
            )}
            {pending.data && pending.data.items.length === 0 && (requests.data?.length ?? 0) === 0 && (
              <p className="muted" data-testid="inbox-empty">
                Nothing is waiting for you.
              </p>
            )}
            <ul className="cards">
              {pending.data?.items.map((a) => (
                <li key={a.id}>
                  <button
                    type="button"
                    className={`card card-${a.kind} ${openId === a.id ? "open" : ""}`}
                    onClick={() => setOpenId(a.id)}
                    data-testid={`approval-${a.workflow_id}`}
                    data-approval-id={a.id}
                    data-kind={a.kind}
                  >
                    {a.kind === "agent" ? (
                      <AgentCardHeading approval={a} />
                    ) : (
                      <>
                        <strong data-testid="card-title">
                          {a.kind === "policy" && <KindTag kind={a.kind} />}
                          {a.kind === "policy" ? `Policy ${a.policy_id ?? ""}` : (a.state_title ?? a.state)}
                        </strong>
                        <span className="small" data-testid="card-workflow">
                          {a.workflow_title ?? a.workflow_id} <code className="muted">{a.workflow_id}</code>
                        </span>
                        <KeyFacts request={a.request} />
                      </>
                    )}
                    <AskedBy approval={a} />
                    <span className="muted small">for {[...a.approvers.roles, ...a.approvers.users].join(", ")}</span>
                    <ApprovalStanding approval={a} />
                  </button>
                </li>
              ))}
            </ul>
            {pending.data && pending.data.total > pending.data.items.length && (
              <p className="muted small" data-testid="inbox-more">
                The oldest {formatCount(pending.data.items.length)} of {formatCount(pending.data.total)} requests are shown.{" "}
                <button type="button" onClick={() => setPages(pages + 1)} data-testid="inbox-show-more">
                  Show {formatCount(Math.min(INBOX_PAGE, pending.data.total - pending.data.items.length))} more
                </button>
              </p>
            )}
          </div>
          <div className="inbox-detail">
            {openId ? (
              <ApprovalDetailView
                key={openId}
                approvalId={openId}
                onDecided={(text) => {
                  setMessage({ kind: "ok", text });
                  setOpenId(null);
                  list.current?.focus();
                  pending.reload();
                  decisions.refresh();
                }}
                onStale={() => {
                  pending.reload();
                  decisions.refresh();
                }}
              />
            ) : (
              <p className="muted">Choose a request to see its details.</p>
            )}
          </div>
        </div>
      )}
      {tab === "decisions" && (
        <>
          {decisions.error && <Notice kind="error">{decisions.error}</Notice>}
          {decisions.total === 0 && <p className="muted">You have not decided anything yet.</p>}
          {decisions.items.length > 0 && (
            <table className="table" data-testid="decisions-table">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Workflow</th>
                  <th>State</th>
                  <th>Decision</th>
                  <th>Comment</th>
                  <th>Instance</th>
                </tr>
              </thead>
              <tbody>
                {decisions.items.map((d) => (
                  <tr key={decisionKey(d)} data-testid="decision-row" data-approval-id={d.approval_id}>
                    <td>{formatTime(d.decided_at)}</td>
                    <td>{d.workflow_id}</td>
                    <td className="mono">{d.state}</td>
                    <td>
                      <span className={`status status-${d.decision === "approve" ? "completed" : "failed"}`}>{d.decision}</span>
                    </td>
                    <td>{d.comment ?? "—"}</td>
                    <td>
                      <Link to={`/instances/${encodeURIComponent(d.instance_id)}`} className="mono" title={d.instance_id}>
                        {shortId(d.instance_id)}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {decisions.total !== null && decisions.total > decisions.items.length && decisions.items.length > 0 && (
            <p className="muted small" data-testid="decisions-more">
              The newest {formatCount(decisions.items.length)} of {formatCount(decisions.total)} decisions are shown.{" "}
              <button type="button" disabled={decisions.loadingMore} onClick={decisions.showMore} data-testid="decisions-show-more">
                {decisions.loadingMore ? "Loading…" : `Show ${formatCount(Math.min(DECISIONS_PAGE, decisions.total - decisions.items.length))} more`}
              </button>
            </p>
          )}
        </>
      )}
    </div>
  );
}

/** One request, with its decision buttons while it is pending; `onStale` when a decision found it closed already. */
function ApprovalDetailView({ approvalId, onDecided, onStale }: { approvalId: number; onDecided: (text: string) => void; onStale: () => void }) {
  const { can } = useSession();
  const detail = useAsync(() => getApproval(approvalId), [approvalId]);
  // Decided in another tab or by another approver meanwhile: shown as it is now, without its buttons.
  useLiveChanges(["approvals"], detail.reload);
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (detail.error) return <Notice kind="error">{detail.error}</Notice>;
  const a = detail.data;
  if (!a) return <p aria-busy="true">Loading…</p>;
  const stateTitle = a.state_title ?? a.state;
  const agent = agentRequest(a);
  const title = agent ? `${agent.agent_name} running ${agent.action}` : stateTitle;
  const commentLength = [...comment.trim()].length; // characters as the server counts them
  const commentProblem = commentLength > COMMENT_MAX
    ? `A comment has at most ${formatCount(COMMENT_MAX)} characters; this one has ${formatCount(commentLength)}.`
    : null;
  const answer = async (decision: "approve" | "reject") => {
    if (commentProblem) return;
    setBusy(true);
    setError(null);
    try {
      await decide(a.id, decision, comment.trim() || null);
      onDecided(`${decision === "approve" ? "Approved" : "Rejected"}: ${title} (${a.workflow_id}).`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      // Closed before this decision (the server's words say how and by whom): show the request as it is now.
      if (e instanceof ApiError && e.status === 409) {
        detail.reload();
        onStale();
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className={`approval-detail approval-${a.kind}`} data-testid="approval-detail" data-kind={a.kind} aria-labelledby="approval-heading">
      <h2 id="approval-heading" data-testid="approval-title">
        {agent ? (
          <>
            Agent approval: <AgentWants request={agent} />
          </>
        ) : (
          stateTitle
        )}
      </h2>
      <p className="muted">
        {a.kind === "policy" && `Policy ${a.policy_id ?? ""} requires approval · `}
        {a.workflow_title ?? a.workflow_id} ({a.workflow_id} v{a.instance.version}) · {agent ? "task" : "state"} <code>{a.state}</code> · instance{" "}
        <Link to={`/instances/${encodeURIComponent(a.instance_id)}`} className="mono" title={a.instance_id}>
          {shortId(a.instance_id)}
        </Link>{" "}
        · asked {formatRelative(a.requested_at)} ({formatTime(a.requested_at)}) · for {[...a.approvers.roles, ...a.approvers.users].join(", ")} · {a.approvals}/{a.quorum} approvals
      </p>
      {a.description && <p>{a.description}</p>}
      <h3>Request</h3>
      {agent ? <AgentRequestView request={agent} /> : <RequestFields request={a.request} />}
      <details open={!agent}>
        <summary>Context</summary>
        <pre className="mono context-json" data-testid="approval-context">
          {JSON.stringify(a.context, null, 2)}
        </pre>
      </details>
      {a.decisions.length > 0 && (
        <>
          <h3>Decisions so far</h3>
          <ul>
            {a.decisions.map((d, i) => (
              <li key={i}>
                {d.actor}: {d.decision} {d.comment && `— “${d.comment}”`} ({formatTime(d.decided_at)})
              </li>
            ))}
          </ul>
        </>
      )}
      {error && <p className="error-text" role="alert" data-testid="decision-error">{error}</p>}
      {a.status !== "pending" ? (
        <Notice kind="info" testId="approval-closed">
          {closedWords(a)}
        </Notice>
      ) : can("decide") ? (
        <div className="decide">
          <div className="field">
            <label htmlFor="decision-comment">Comment</label>
            <textarea id="decision-comment" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} data-testid="decision-comment" aria-invalid={commentProblem ? true : undefined} aria-describedby={commentProblem ? "decision-comment-problem" : undefined} />
            {commentProblem && <div className="field-problem" id="decision-comment-problem" data-testid="decision-comment-problem">{commentProblem}</div>}
          </div>
          <div className="row">
            <button type="button" className="primary" disabled={busy || commentProblem !== null} onClick={() => void answer("approve")} data-testid="approve">
              Approve
            </button>
            <button type="button" className="danger" disabled={busy || commentProblem !== null} onClick={() => void answer("reject")} data-testid="reject">
              Reject
            </button>
          </div>
        </div>
      ) : (
        <p className="muted">Your role may read this request but not decide it.</p>
      )}
      <details data-testid="approval-history">
        <summary>History of the instance</summary>
        {a.history_truncated && (
          <p className="muted small" data-testid="approval-history-cut">
            Latest {formatCount(a.history.length)} of {formatCount(a.history_total)} transitions — see the full history in the{" "}
            <Link to={`/instances/${encodeURIComponent(a.instance_id)}`}>instance monitor</Link>.
          </p>
        )}
        <Timeline entries={a.history} />
      </details>
    </section>
  );
}

/** How a request that takes no more decisions ended: who decided what and when, or that it timed out or was
 * cancelled with its instance. */
function closedWords(a: ApprovalDetail): string {
  const when = a.decided_at ? ` (${formatTime(a.decided_at)})` : "";
  if (a.status === "approved" || a.status === "rejected") {
    const verb = a.status === "approved" ? "approve" : "reject";
    const who = a.decisions.filter((d) => d.decision === verb).map((d) => d.actor);
    return `This request is decided: ${a.status}${who.length ? ` by ${who.join(", ")}` : ""}${when}. It takes no more decisions.`;
  }
  if (a.status === "timed_out") return `This request timed out${when} before anyone decided it. It takes no more decisions.`;
  return `This request was closed when its instance was cancelled${when}. It takes no more decisions.`;
}

/** Facts on a card: enough for what is asked — an amount and its reason come after who asks in most requests. */
const CARD_FACTS = 6;
/** A text longer than this is no card's line: it is read in the opened request. */
const CARD_TEXT = 80;

/** The request's facts that fit on a line, in the order the definition's `request` gives them, up to six (the
 * card's summary; the opened request shows them all). A `currency` right after a number is written beside it
 * (`amount 5,000 USD`). */
function cardFacts(request: Record<string, unknown>): { key: string; text: string }[] {
  const entries = Object.entries(request);
  const facts: { key: string; text: string }[] = [];
  entries.forEach(([key, value], i) => {
    if (value !== null && typeof value === "object") return;
    if (typeof value === "string" && [...value].length > CARD_TEXT) return;
    if (key === "currency" && typeof value === "string" && typeof entries[i - 1]?.[1] === "number") return; // beside it
    const next = entries[i + 1];
    const currency = typeof value === "number" && next?.[0] === "currency" && typeof next[1] === "string" ? ` ${next[1]}` : "";
    facts.push({ key, text: `${formatFact(key, value)}${currency}` });
  });
  return facts.slice(0, CARD_FACTS);
}

function KeyFacts({ request }: { request: Record<string, unknown> }) {
  const facts = cardFacts(request);
  if (facts.length === 0) return null;
  return (
    <dl className="key-facts small" data-testid="card-facts">
      {facts.map(({ key, text }) => (
        <div key={key}>
          <dt>{key.replace(/_/g, " ")}</dt>
          <dd title={text}>{text}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Which instance asks, and since when: two requests of one state with the same facts told apart. */
function AskedBy({ approval: a }: { approval: ApprovalSummary }) {
  return (
    <span className="muted small" data-testid="card-asked">
      instance{" "}
      <code className="mono" title={a.instance_id} data-testid="card-instance">
        {shortId(a.instance_id)}
      </code>{" "}
      · asked <span title={formatTime(a.requested_at)}>{formatRelative(a.requested_at)}</span>
    </span>
  );
}

/** When it is due (in words and as a date), the quorum, and who has decided so far. */
function ApprovalStanding({ approval: a }: { approval: ApprovalSummary }) {
  const overdue = a.due_at !== null && new Date(a.due_at).getTime() < Date.now();
  return (
    <>
      <span className="small" data-testid="card-due">
        {a.due_at ? (
          <span className={overdue ? "error-text" : undefined} title={formatTime(a.due_at)}>
            due {formatRelative(a.due_at)} ({formatTime(a.due_at)})
          </span>
        ) : (
          "no deadline"
        )}{" "}
        · <span data-testid="card-quorum">{a.approvals} of {a.quorum} approval{a.quorum === 1 ? "" : "s"}</span>
      </span>
      {a.decisions.length > 0 && (
        <ul className="card-decisions small" data-testid="card-decisions">
          {a.decisions.map((d) => (
            <li key={`${d.actor}-${d.decided_at}`}>
              {d.actor}: {d.decision === "approve" ? "approved" : "rejected"}
              {typeof d.comment === "string" && d.comment ? ` — “${d.comment}”` : ""}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** An agent approval's card: who wants to run what, read from the request the list carries. */
function AgentCardHeading({ approval }: { approval: ApprovalSummary }) {
  const request = agentRequest(approval);
  return (
    <>
      <strong>
        <KindTag kind="agent" />{" "}
        {request ? <AgentWants request={request} /> : <span>An agent wants to run an action</span>}
      </strong>
      <span className="small">
        {approval.workflow_id} · task <code>{approval.state}</code>
      </span>
    </>
  );
}
