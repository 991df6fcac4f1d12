// The right-hand panel: what is selected decides what it edits. Whenever that changes (a transition just
// added, another state chosen), the panel shows the new element from its top — its heading and first fields,
// not wherever the previous one was scrolled to. When the change took away the control that had the focus (Add
// under "New transition to", a link under "Transitions out"), the new element's heading takes the focus: a keyboard
// user goes on from there, not from the top of the page.
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
  const box = useRef<HTMLDivElement>(null);
  /** The control inside the inspector that last had the focus. */
  const focused = useRef<Element | null>(null);
  useLayoutEffect(() => {
    const here = box.current;
    if (!here || here.parentElement?.hidden) return;
    const panel = here.closest(".side-scroll");
    if (panel) panel.scrollTop = 0;
    const lost = focused.current !== null && !focused.current.isConnected;
    const nowhere = !document.activeElement || document.activeElement === document.body;
    const heading = here.querySelector<HTMLElement>(".inspector-section > h2");
    if (lost && nowhere && heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }, [shown]);
  return (
    <div
      ref={box}
      onFocus={(e) => (focused.current = e.target)}
      onBlur={(e) => {
        // Left for somewhere else (a click on the canvas) — not taken away with its control, which is no longer in
        // the page by the time (or never told) it lost the focus.
        if (e.target.isConnected && !(e.relatedTarget instanceof Node && box.current?.contains(e.relatedTarget))) focused.current = null;
      }}
    >
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
    </div>
  );
}
