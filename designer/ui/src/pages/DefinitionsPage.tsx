// The workflows: published definitions, the drafts being worked on, and a new one from an empty canvas.
import { useState, type FormEvent } from "react";
import { createNewWorkflowDraft, deleteDraft, listDefinitions, listDrafts } from "../api/definitions";
import { openPublicationRequests, type PublicationRequest } from "../api/publication";
import type { DraftSummary } from "../api/types";
import { ApiError } from "../api/http";
import { Link, navigate } from "../app/router";
import { useSession } from "../auth/session";
import ImportWorkflow from "../components/ImportWorkflow";
import Notice from "../components/Notice";
import { countOf, formatTime } from "../components/format";
import { useAsync } from "../components/useAsync";
import { identifierProblem } from "../model/ids";
import { emptyWorkflow } from "../model/workflow";

export default function DefinitionsPage() {
  const { can } = useSession();
  const [query, setQuery] = useState("");
  const definitions = useAsync(() => listDefinitions(query), [query]);
  const drafts = useAsync(() => listDrafts(), []);
  // Which drafts wait for a publisher (any role may read the requests): said in the drafts' list.
  const requests = useAsync(() => openPublicationRequests(), []);
  const requestOf = new Map((requests.data ?? []).map((r) => [r.draft_id, r]));
  const [error, setError] = useState<string | null>(null);

  const remove = async (id: string) => {
    if (!window.confirm("Delete this draft? Its unpublished changes are lost.")) return;
    try {
      await deleteDraft(id);
      drafts.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div className="page" data-testid="definitions-page">
      <div className="page-heading">
        <h1>Workflows</h1>
        {can("edit_drafts") && (
          <div className="page-actions">
            <ImportWorkflow onError={setError} />
            <NewWorkflow onError={setError} />
          </div>
        )}
      </div>
      {error && <Notice kind="error" onClose={() => setError(null)}>{error}</Notice>}
      <section aria-labelledby="drafts-heading">
        <h2 id="drafts-heading">Drafts</h2>
        {drafts.error && <Notice kind="error">{drafts.error}</Notice>}
        {drafts.data && drafts.data.items.length === 0 && <p className="muted">No drafts. Start a new workflow, or edit a published one.</p>}
        {drafts.data && drafts.data.items.length > 0 && (
          // a keyboard user past a long list of drafts in one step, as past the canvas in the designer
          <a
            className="skip-inline"
            href="#definitions-search"
            data-testid="skip-drafts"
            onClick={(e) => {
              e.preventDefault();
              document.getElementById("definitions-search")?.focus();
            }}
          >
            {drafts.data.items.length === 1 ? "Skip the draft" : `Skip the ${countOf(drafts.data.items.length, "draft")}`}: search the published workflows
          </a>
        )}
        {drafts.data && drafts.data.items.length > 0 && (
          <table className="table" data-testid="drafts-table">
            <thead>
              <tr>
                <th>Workflow</th>
                <th>Based on</th>
                <th>Revision</th>
                <th>Last saved</th>
                <th>Publication</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {drafts.data.items.map((d) => (
                <tr key={d.id} data-testid={`draft-row-${d.workflow_id ?? d.id}`}>
                  <td>
                    <Link to={`/drafts/${encodeURIComponent(d.id)}`} data-testid={`open-draft-${d.workflow_id ?? d.id}`}>
                      {d.title || d.workflow_id || "(untitled)"}
                    </Link>{" "}
                    <code className="muted">{d.workflow_id}</code>
                  </td>
                  <td>{d.base_version ? `v${d.base_version}` : "new"}</td>
                  <td>{d.revision}</td>
                  <td>
                    {formatTime(d.updated_at)} by {d.updated_by}
                  </td>
                  <td data-testid="draft-publication">
                    <PublicationState draft={d} request={requestOf.get(d.id)} />
                  </td>
                  <td>
                    {can("edit_drafts") && (
                      <button type="button" className="link danger" onClick={() => void remove(d.id)}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="published-heading">
        <div className="page-heading">
          <h2 id="published-heading">Published</h2>
          <input type="search" id="definitions-search" aria-label="Search workflows" placeholder="Search by id or title" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="definitions-search" />
        </div>
        {definitions.error && <Notice kind="error">{definitions.error}</Notice>}
        {definitions.data && (
          <table className="table" data-testid="definitions-table">
            <thead>
              <tr>
                <th>Workflow</th>
                <th>Latest version</th>
                <th>States</th>
                <th>Transitions</th>
                <th>Published</th>
              </tr>
            </thead>
            <tbody>
              {definitions.data.items.map((d) => (
                <tr key={d.id} data-testid={`definition-row-${d.id}`}>
                  <td>
                    <Link to={`/definitions/${encodeURIComponent(d.id)}`} data-testid={`open-definition-${d.id}`}>
                      {d.title}
                    </Link>{" "}
                    <code className="muted">{d.id}</code>
                    {d.description && <div className="muted small clamp" title={d.description}>{d.description}</div>}
                  </td>
                  <td>v{d.latest_version}</td>
                  <td>{d.states}</td>
                  <td>{d.transitions}</td>
                  <td>
                    {formatTime(d.published_at)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

/** Whether a draft waits for a publisher: who asked, when, for which revision (saved since, or not). */
function PublicationState({ draft, request }: { draft: DraftSummary; request: PublicationRequest | undefined }) {
  if (!request) return <span className="muted">—</span>;
  const since = draft.revision > request.revision ? ` (revision ${request.revision}; saved since)` : "";
  return (
    <span className="status status-requested" title={request.note ?? undefined}>
      Requested by {request.requested_by}, {formatTime(request.requested_at)}
      {since}
    </span>
  );
}

const TITLE_MAX = 200; // a workflow's title (engine/definition/workflow.py)

function NewWorkflow({ onError }: { onError: (message: string) => void }) {
  const [open, setOpen] = useState(false);
  const [id, setId] = useState("");
  const [title, setTitle] = useState("");
  const [taken, setTaken] = useState<{ id: string; message: string } | null>(null);
  const idProblem = (id ? identifierProblem(id) : null) ?? (taken?.id === id ? taken.message : null);
  const titleLength = [...title].length; // characters as the server counts them (an emoji is one)
  const titleProblem = titleLength > TITLE_MAX ? `A title has at most ${TITLE_MAX} characters (this one has ${titleLength}).` : null;
  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (!id || idProblem || titleProblem) return;
    try {
      const draft = await createNewWorkflowDraft(emptyWorkflow(id, title || id) as Record<string, unknown>);
      navigate(`/drafts/${encodeURIComponent(draft.id)}`);
    } catch (e) {
      if (e instanceof ApiError && e.slug === "id-taken") setTaken({ id, message: e.message.charAt(0).toUpperCase() + e.message.slice(1) + "." });
      else onError(e instanceof Error ? e.message : String(e));
    }
  };
  if (!open) {
    return (
      <button type="button" className="primary" onClick={() => setOpen(true)} data-testid="new-workflow">
        New workflow
      </button>
    );
  }
  return (
    <form className="inline-form" onSubmit={(e) => void create(e)} data-testid="new-workflow-form">
      <div className="field">
        <label htmlFor="new-id">Id</label>
        <input id="new-id" className="mono" autoFocus value={id} onChange={(e) => setId(e.target.value)} placeholder="e.g. refund_request" data-testid="new-workflow-id" aria-invalid={idProblem ? true : undefined} />
        {idProblem && <div className="field-problem" role="alert" data-testid="new-workflow-problem">{idProblem}</div>}
      </div>
      <div className="field">
        <label htmlFor="new-title">Title</label>
        <input id="new-title" value={title} onChange={(e) => setTitle(e.target.value)} placeholder="e.g. Refund request" data-testid="new-workflow-title" aria-invalid={titleProblem ? true : undefined} />
        {titleProblem && <div className="field-problem" role="alert" data-testid="new-workflow-title-problem">{titleProblem}</div>}
      </div>
      <button type="submit" className="primary" disabled={!id || idProblem !== null || titleProblem !== null} data-testid="create-workflow">
        Create
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}
