// The designer's commands: save, publish, undo/redo, delete, auto-layout, fit, export. Editing commands
// are shown only to whoever may edit drafts.
import { renderDefinition } from "../api/checks";
import { Link } from "../app/router";
import { useSession } from "../auth/session";
import ExportMenu from "../components/ExportMenu";
import type { Workflow } from "../model/workflow";
import { requestWholeFit } from "./canvas/readableFit";

export interface DesignerToolbarProps {
  workflow: Workflow;
  dirty: boolean;
  /** Text typed that is not applied yet, and so cannot be saved: what to fix (Save says so when clicked). */
  unapplied: string | null;
  canEdit: boolean;
  canPublish: boolean;
  /** The draft is not there any more (published or deleted): it can be neither saved nor published. */
  gone: boolean;
  busy: string | null;
  errors: number;
  canUndo: boolean;
  canRedo: boolean;
  hasSelection: boolean;
  showVersions: boolean;
  onSave: () => void;
  onPublish: () => void;
  onUndo: () => void;
  onRedo: () => void;
  onDelete: () => void;
  onAutoLayout: () => void;
}

export default function DesignerToolbar(props: DesignerToolbarProps) {
  const { workflow, dirty, canEdit, canPublish, gone, busy, errors } = props;
  const roles = useSession().me?.roles ?? [];
  const goneWords = "This draft is not there any more (published or deleted): see the notice below";
  const title = workflow.title || workflow.id || "Untitled workflow";
  // A long title is cut with "…" (whole in its tooltip and in the inspector) rather than push the commands onto a
  // second row, which took the canvas' height (a long imported title at 1366 px).
  return (
    <div className="toolbar designer-toolbar" role="toolbar" aria-label="Designer commands">
      <h1 className="toolbar-title designer-title" data-testid="workflow-title">
        <span className="designer-title-text" title={workflow.id && workflow.id !== title ? `${title} (${workflow.id})` : title}>
          {title}
        </span>
        {dirty && (
          <span className="unsaved" data-testid="unsaved">
            {" "}
            • unsaved
          </span>
        )}
      </h1>
      <div className="toolbar-commands">
      {!canEdit && (
        <span className="read-only-note" role="note" data-testid="read-only-note" title="Drafts are edited by analysts, publishers and admins">
          Read-only: your role{roles.length === 1 ? "" : "s"} ({roles.join(", ") || "none"}) cannot edit drafts
        </span>
      )}
      {canEdit && (
        <>
          <button type="button" onClick={props.onSave} disabled={busy !== null || !dirty || gone} data-testid="save" title={gone ? goneWords : props.unapplied ?? (dirty ? "Save the draft (Ctrl+S)" : "Nothing to save: no changes since the last save")}>
            {busy === "save" ? "Saving…" : "Save draft"}
          </button>
          <button
            type="button"
            className="primary"
            onClick={props.onPublish}
            disabled={busy !== null || gone}
            data-testid={canPublish ? "publish" : "request-publication"}
            title={gone ? goneWords : errors ? `${errors} error(s) to fix: publishing will list them` : canPublish ? "See what changes, then publish a new version" : "Ask a publisher to publish this draft"}
          >
            {canPublish ? "Publish…" : "Request publication…"}
          </button>
          <span className="separator" />
          <button type="button" onClick={props.onUndo} disabled={!props.canUndo} data-testid="undo" title="Undo (Ctrl+Z)">
            Undo
          </button>
          <button type="button" onClick={props.onRedo} disabled={!props.canRedo} data-testid="redo" title="Redo (Ctrl+Shift+Z)">
            Redo
          </button>
          <button type="button" onClick={props.onDelete} disabled={!props.hasSelection} data-testid="delete" title="Delete the selection (Delete)">
            Delete
          </button>
          <button
            type="button"
            onClick={props.onAutoLayout}
            disabled={busy !== null || Object.keys(workflow.states).length === 0}
            data-testid="auto-layout"
            title="Arrange the states in layers, in the canvas' direction, and save their places"
          >
            {busy === "layout" ? "Arranging…" : "Auto-layout"}
          </button>
        </>
      )}
      <button type="button" onClick={() => requestWholeFit()} data-testid="fit-view" title="Show the whole flow">
        Fit view
      </button>
      <span className="separator" />
      <ExportMenu baseName={workflow.id || "workflow"} fetchDiagram={(format) => renderDefinition(workflow, format)} />
      {props.showVersions && workflow.id && (
        <Link className="toolbar-link" to={`/definitions/${encodeURIComponent(workflow.id)}`}>
          Versions
        </Link>
      )}
      </div>
    </div>
  );
}
