// When the draft open in the editor is found gone meanwhile — published by someone (publishing removes the draft)
// or deleted — the editor says which, at once, and offers to keep the work: a new draft of what this tab shows, on
// top of the latest published version, or to drop it and open that version.
import { getDefinition } from "../api/definitions";
import { ApiError } from "../api/http";
import type { Draft } from "../api/types";
import { formatTime } from "../components/format";

/** What became of a draft found gone: published as `version` (by `by`, at `at`), or deleted (`version` null);
 * `latest` is the workflow's latest published version either way (null: none). */
export interface DraftFate {
  published: { version: number; by: string | null; at: string } | null;
  latest: number | null;
  workflowId: string | null;
}

/**
 * Find out what became of `draft`, gone since this tab last loaded or saved it at `knownAt`: a version of its
 * workflow published since then is taken to be it (publishing removes the draft it publishes); none, it was
 * deleted.
 */
export async function fateOf(draft: Draft, workflowId: string | null, knownAt: string): Promise<DraftFate> {
  if (!workflowId) return { published: null, latest: null, workflowId };
  try {
    const latest = await getDefinition(workflowId);
    const since = Date.parse(latest.published_at) >= Date.parse(knownAt);
    const newer = draft.base_version === null || latest.version > draft.base_version;
    return {
      published: since && newer ? { version: latest.version, by: latest.published_by ?? null, at: latest.published_at } : null,
      latest: latest.version,
      workflowId,
    };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { published: null, latest: null, workflowId };
    throw e;
  }
}

export interface DraftGoneProps {
  fate: DraftFate;
  /** Whether this person edits drafts (a reader is only told, and offered the latest version). */
  editable: boolean;
  busy: boolean;
  onSaveAsNew: () => void;
  onOpenLatest: () => void;
}

/** The notice that the draft is not there any more, with the ways on. */
export default function DraftGone({ fate, editable, busy, onSaveAsNew, onOpenLatest }: DraftGoneProps) {
  const { published, latest } = fate;
  const what = published ? (
    <>
      <strong>This draft was published as v{published.version}</strong>
      {published.by ? ` by ${published.by}` : ""} at {formatTime(published.at)}, which removed it.
    </>
  ) : (
    <>
      <strong>This draft was deleted</strong> — by someone else, or in another tab.
    </>
  );
  const base = latest !== null ? ` on top of v${latest}, the latest published version` : "";
  return (
    <div className="notice notice-error" role="alert" data-testid="draft-gone">
      <div className="notice-body">
        <p>
          {what} It can no longer be saved{editable ? " or sent for publication" : ""}.
          {editable && ` What you see here is kept in this tab: save it as a new draft${base}, or discard it.`}
        </p>
        <p className="row wrap">
          {editable && (
            <button type="button" className="primary" onClick={onSaveAsNew} disabled={busy} data-testid="draft-gone-save-new">
              {busy ? "Saving…" : "Save my changes as a new draft"}
            </button>
          )}
          <button type="button" onClick={onOpenLatest} disabled={busy} data-testid="draft-gone-open-latest">
            {latest !== null ? `${editable ? "Discard and open" : "Open"} the latest version (v${latest})` : `${editable ? "Discard and go" : "Go"} to Workflows`}
          </button>
        </p>
      </div>
    </div>
  );
}
