// When Save finds the draft saved by someone else (or this person in another tab) since it was opened: who saved
// it and when, what of theirs saving this version would drop, and the ways on — combine both, when the two
// changed different places (model/draftMerge.ts), save this version over theirs, or take theirs (an edit Undo
// takes back); when both changed the same places, which ones. And, without a Save, when the editor learns the
// draft was saved elsewhere: which of this tab's saved changes that version replaced, and the same offers.
import type { Draft } from "../api/types";
import { formatTime } from "../components/format";

/** Up to this many changes are listed; more are counted. */
const LISTED = 8;

function ChangeList({ changes, testId }: { changes: readonly string[]; testId: string }) {
  const shown = changes.slice(0, LISTED);
  return (
    <ul className="notice-findings" data-testid={testId}>
      {shown.map((change) => (
        <li key={change}>{change}</li>
      ))}
      {changes.length > shown.length && <li>and {changes.length - shown.length} more</li>}
    </ul>
  );
}

/** What combining this tab's changes with theirs comes to: null when there is nothing to combine (no change of
 * this tab's since the version both were made from); else the places both changed — none: they combine. */
export type Combining = { overlaps: readonly string[] } | null;

/** The places both versions changed, which keep them from being combined; nothing when there are none. */
function Overlaps({ combining, testId }: { combining: Combining; testId: string }) {
  if (!combining || combining.overlaps.length === 0) return null;
  return (
    <>
      <p>You both changed the same places, so the two cannot be combined:</p>
      <ChangeList changes={combining.overlaps} testId={testId} />
    </>
  );
}

const canCombine = (combining: Combining | undefined): boolean => combining != null && combining.overlaps.length === 0;

/** Combine both: the first choice whenever the two versions changed different places. */
function CombineButton({ busy = false, onCombine, testId }: { busy?: boolean; onCombine: () => void; testId: string }) {
  return (
    <button type="button" className="primary" disabled={busy} onClick={onCombine} data-testid={testId}>
      Combine both
    </button>
  );
}

const COMBINE_WORDS = "Combine both takes their version and keeps your changes on it, not saved until you save (Undo takes it back).";

export interface SaveConflictProps {
  theirs: Draft;
  /** Their changes (since the version this one was made from) that saving this version would undo. */
  dropped: readonly string[];
  busy: boolean;
  /** False when the person asked to save over theirs (from SavedElsewhere), not a Save that was refused. */
  refused?: boolean;
  combining?: Combining;
  onCombine?: () => void;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
  onClose: () => void;
}

export default function SaveConflict({ theirs, dropped, busy, refused = true, combining = null, onCombine, onKeepMine, onTakeTheirs, onClose }: SaveConflictProps) {
  const combine = canCombine(combining) && onCombine;
  return (
    <div className="notice notice-error" role="alert" data-testid="save-conflict">
      <div className="notice-body">
        <p>
          <strong>{refused ? "Not saved:" : "Not saved yet:"}</strong> {theirs.updated_by} saved this draft at {formatTime(theirs.updated_at)} (revision{" "}
          {theirs.revision}) after you opened it — in another tab, or someone else. Your changes are still here.
        </p>
        {dropped.length > 0 ? (
          <>
            <p>Saving yours over theirs would undo what they changed:</p>
            <ChangeList changes={dropped} testId="conflict-dropped" />
          </>
        ) : (
          <p data-testid="conflict-dropped-none">Saving yours over theirs undoes none of their changes: yours has every one of them.</p>
        )}
        {combine && <p data-testid="conflict-combinable">Yours and theirs changed different places: {COMBINE_WORDS}</p>}
        <Overlaps combining={combining} testId="conflict-overlaps" />
        <p className="row wrap">
          {combine && <CombineButton busy={busy} onCombine={combine} testId="conflict-combine" />}
          <button type="button" className={combine ? undefined : "primary"} disabled={busy} onClick={onKeepMine} data-testid="conflict-keep-mine">
            Save mine over theirs
          </button>
          <button type="button" disabled={busy} onClick={onTakeTheirs} data-testid="conflict-take-theirs">
            Take theirs (Undo brings mine back)
          </button>
        </p>
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={onClose}>
        ✕
      </button>
    </div>
  );
}

export interface SavedElsewhereProps {
  theirs: Draft;
  /** The changes this tab saved that the version saved since does not have. */
  replaced: readonly string[];
  /** Whether this tab has changes not saved yet. */
  unsaved: boolean;
  /** Whether this person edits the draft (a reader only sees the saved version shown). */
  editable: boolean;
  combining?: Combining;
  onCombine?: () => void;
  onTakeTheirs: () => void;
  /** Go on to save this version over theirs: the save conflict, which lists what of theirs that undoes. */
  onSaveMine: () => void;
  onClose: () => void;
}

/** The draft was saved from another window (or by someone else) since this tab last saved or loaded it. */
export function SavedElsewhere({ theirs, replaced, unsaved, editable, combining = null, onCombine, onTakeTheirs, onSaveMine, onClose }: SavedElsewhereProps) {
  const combine = editable && canCombine(combining) && onCombine;
  return (
    <div className="notice notice-error" role="alert" data-testid="saved-elsewhere">
      <div className="notice-body">
        <p>
          <strong>This draft was saved from another window:</strong> {theirs.updated_by} saved it at {formatTime(theirs.updated_at)}{" "}
          (revision {theirs.revision}) — in another tab, or someone else.
          {replaced.length > 0 ? " It replaced what you saved here; these changes of yours are not in it:" : " What you see here is not that version."}
        </p>
        {replaced.length > 0 && <ChangeList changes={replaced} testId="saved-elsewhere-replaced" />}
        {editable && <Overlaps combining={combining} testId="saved-elsewhere-overlaps" />}
        {combine ? (
          <p data-testid="saved-elsewhere-combinable">
            Your unsaved changes are still here, in other places than theirs. {COMBINE_WORDS} Or load the saved version to go on
            from it, or save yours over it (you are shown first what of theirs that undoes).
          </p>
        ) : (
          editable && (
            <p>
              {unsaved ? "Your unsaved changes are still here. " : ""}
              Load the saved version to go on from it, or save yours over it (you are shown first what of theirs that undoes).
            </p>
          )
        )}
        <p className="row wrap">
          {combine && <CombineButton onCombine={combine} testId="saved-elsewhere-combine" />}
          <button type="button" className={combine ? undefined : "primary"} onClick={onTakeTheirs} data-testid="saved-elsewhere-load">
            {editable ? "Load the saved version (Undo brings mine back)" : "Show the saved version"}
          </button>
          {editable && (
            <button type="button" onClick={onSaveMine} data-testid="saved-elsewhere-save-mine">
              Save mine over it…
            </button>
          )}
        </p>
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={onClose}>
        ✕
      </button>
    </div>
  );
}
