// The right-hand panel: what is selected decides what it edits.
import BranchInspector from "./BranchInspector";
import StateInspector from "./StateInspector";
import TransitionInspector from "./TransitionInspector";
import WorkflowInspector from "./WorkflowInspector";
import type { InspectorContext } from "./types";
import type { Selection } from "../selection";

export default function Inspector({ ctx, selection }: { ctx: InspectorContext; selection: Selection }) {
  const count = selection.states.length + selection.transitions.length;
  if (count > 1) {
    return (
      <section className="inspector-section" data-testid="multi-inspector">
        <h2>{count} elements selected</h2>
        <p className="muted">
          {selection.states.length} state(s) and {selection.transitions.length} transition(s). Press Delete to remove them, Ctrl+C to copy, or drag them together.
        </p>
      </section>
    );
  }
  const stateId = selection.states[0];
  if (stateId !== undefined) return <StateInspector key={stateId} ctx={ctx} stateId={stateId} />;
  const index = selection.transitions[0];
  if (index !== undefined) return <TransitionInspector key={index} ctx={ctx} index={index} />;
  return ctx.inBranch ? <BranchInspector ctx={ctx} /> : <WorkflowInspector ctx={ctx} />;
}
