// What every inspector section is given: the machine being edited (the workflow, or a branch of a parallel
// state shown as one), the findings about it, and a way to record a change.
import type { Finding } from "../../model/findings";
import type { Workflow } from "../../model/workflow";
import type { Selection } from "../selection";

export interface InspectorContext {
  workflow: Workflow;
  findings: readonly Finding[];
  editable: boolean;
  /** True while an edit has not been validated by the server yet. */
  validating: boolean;
  /** Record a new workflow; edits with the same `coalesce` key in quick succession are one undo step. */
  commit: (workflow: Workflow, coalesce?: string, selection?: Selection) => void;
  select: (selection: Selection) => void;
  /** Rename a state of `workflow` everywhere the document names it (one undo step), and select it. */
  renameState: (from: string, to: string) => void;
  /** True when `workflow` is a parallel state's branch rather than the workflow itself. */
  inBranch: boolean;
  /** True when that branch is a map state's iterator (it has no name of its own). */
  inIterator: boolean;
  /** Edit the inside of branch `index` of the parallel state `stateId` on the canvas. */
  openBranch: (stateId: string, index: number) => void;
}
