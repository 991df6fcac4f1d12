// A notice of what an edit did beyond what the person asked for (the transitions a deletion took with it, the
// expressions a rename rewrote), with an Undo link beside it: read inside the editor's message, before its text.

export interface UndoNoticeProps {
  text: string;
  /** The notice's data-testid ("deletion-notice"), and its Undo link's ("deletion-undo"). */
  testId: string;
  undoTestId: string;
  onUndo: () => void;
}

export default function UndoNotice({ text, testId, undoTestId, onUndo }: UndoNoticeProps) {
  return (
    <span className="notice-deletion" data-testid={testId}>
      {text}{" "}
      <button type="button" className="link" data-testid={undoTestId} onClick={onUndo}>
        Undo
      </button>{" "}
    </span>
  );
}
