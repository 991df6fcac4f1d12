// The right-hand panel: what is selected decides what it edits. Whenever that changes (a transition just
// added, another state chosen), the panel shows the new element from its top — its heading and first fields,
// not wherever the previous one was scrolled to.
import { useLayoutEffect, useRef } from "react";
import BranchInspector from "./BranchInspector";
import StateInspector from "./StateInspector";
import TransitionInspector from "./TransitionInspector";
import WorkflowInspector from "./WorkflowInspector";
import type { InspectorContext } from "./types";
import type { Selection } from "../selection";

export default function Inspector({ ctx, selection }: { ctx: InspectorContext; selection: Selection }) {
  const count = selection.states.length + selection.transitions.length;
  const stateId = selection.states[0];
  const index = selection.transitions[0];
  const shown = count > 1 ? "several" : stateId !== undefined ? `state:${stateId}` : index !== undefined ? `transition:${index}` : "workflow";
  const top = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    const panel = top.current?.closest(".side-scroll");
    if (panel && !top.current?.parentElement?.hidden) panel.scrollTop = 0;
  }, [shown]);
  return (
    <>
      <span ref={top} hidden />
      {count > 1 ? (
        <section className="inspector-section" data-testid="multi-inspector">
          <h2>{count} elements selected</h2>
          <p className="muted">
            {selection.states.length} state(s) and {selection.transitions.length} transition(s). Press Delete to remove them, Ctrl+C to copy, or drag them together.
          </p>
        </section>
      ) : stateId !== undefined ? (
        <StateInspector key={stateId} ctx={ctx} stateId={stateId} />
      ) : index !== undefined ? (
        <TransitionInspector key={index} ctx={ctx} index={index} />
      ) : ctx.inBranch ? (
        <BranchInspector ctx={ctx} />
      ) : (
        <WorkflowInspector ctx={ctx} />
      )}
    </>
  );
}
