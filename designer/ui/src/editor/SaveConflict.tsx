// When Save finds the draft saved by someone else (or this person in another tab) since it was opened: who saved
// it and when, and the two ways on — save this version over theirs, or take theirs (an edit Undo takes back).
import type { Draft } from "../api/types";
import { formatTime } from "../components/format";

export interface SaveConflictProps {
  theirs: Draft;
  busy: boolean;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
  onClose: () => void;
}

export default function SaveConflict({ theirs, busy, onKeepMine, onTakeTheirs, onClose }: SaveConflictProps) {
  return (
    <div className="notice notice-error" role="alert" data-testid="save-conflict">
      <div className="notice-body">
        <p>
          <strong>Not saved:</strong> {theirs.updated_by} saved this draft at {formatTime(theirs.updated_at)} (revision{" "}
          {theirs.revision}) after you opened it — in another tab, or someone else. Your changes are still here.
        </p>
        <div className="row wrap">
          <button type="button" className="primary" disabled={busy} onClick={onKeepMine} data-testid="conflict-keep-mine">
            Save mine over theirs
          </button>
          <button type="button" disabled={busy} onClick={onTakeTheirs} data-testid="conflict-take-theirs">
            Take theirs (Undo brings mine back)
          </button>
        </div>
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={onClose}>
        ✕
      </button>
    </div>
  );
}
