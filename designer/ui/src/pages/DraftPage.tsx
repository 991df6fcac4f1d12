// A draft opened in the designer. Whoever may not edit drafts sees it read-only. A draft that is not there —
// published (publishing removes the draft), deleted, or a mistyped address — says so in those words.
import { getDraft } from "../api/definitions";
import { ApiError } from "../api/http";
import { Link } from "../app/router";
import { useSession } from "../auth/session";
import Notice from "../components/Notice";
import { useAsync } from "../components/useAsync";
import DraftEditor from "../editor/DraftEditor";
import { asWorkflow } from "../model/document";

/** Why the draft cannot be shown, in the reader's terms. */
function draftProblem(error: unknown, roles: readonly string[]): string {
  if (error instanceof ApiError && error.status === 404) {
    return "This draft is not there (any more): a draft is removed when it is published — its workflow is then listed under Workflows — or when someone deletes it.";
  }
  if (error instanceof ApiError && error.status === 403) {
    return `Drafts cannot be opened with your role${roles.length === 1 ? "" : "s"} (${roles.join(", ")}).`;
  }
  return `The draft could not be opened: ${error instanceof Error ? error.message : String(error)}`;
}

export default function DraftPage({ draftId }: { draftId: string }) {
  const { can, me } = useSession();
  const roles = me?.roles ?? [];
  const draft = useAsync(() => getDraft(draftId).catch((e: unknown) => Promise.reject(new Error(draftProblem(e, roles)))), [draftId]);
  if (draft.error) {
    return (
      <div className="page">
        <Notice kind="error" testId="draft-error">
          {draft.error} <Link to="/definitions">Go to Workflows</Link>
        </Notice>
      </div>
    );
  }
  if (!draft.data) return <div className="page" aria-busy="true">Loading the draft…</div>;
  const parsed = asWorkflow(draft.data.content);
  if (!parsed.ok) {
    return (
      <div className="page">
        <Notice kind="error">This draft cannot be drawn: {parsed.message}</Notice>
        <pre className="mono">{JSON.stringify(draft.data.content, null, 2)}</pre>
      </div>
    );
  }
  return <DraftEditor key={draft.data.id} draft={draft.data} workflow={parsed.workflow} canEdit={can("edit_drafts")} canPublish={can("publish")} />;
}
