// A draft opened in the designer. Whoever may not edit drafts sees it read-only.
import { getDraft } from "../api/definitions";
import { useSession } from "../auth/session";
import Notice from "../components/Notice";
import { useAsync } from "../components/useAsync";
import DraftEditor from "../editor/DraftEditor";
import { asWorkflow } from "../model/document";

export default function DraftPage({ draftId }: { draftId: string }) {
  const { can } = useSession();
  const draft = useAsync(() => getDraft(draftId), [draftId]);
  if (draft.error) return <div className="page"><Notice kind="error" testId="draft-error">The draft could not be opened: {draft.error}</Notice></div>;
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
