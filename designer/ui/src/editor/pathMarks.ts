// The path an instance or a simulation took, as canvas marks: the states passed through, the transitions
// taken (found by their ends and trigger), and the state it is in now.
import { transitionSources, type Workflow } from "../model/workflow";
import type { Mark, Marks } from "./marks";

/** A step of a run: a history row or a simulation step. `transition` when the engine names it. */
export interface Step {
  from_state: string | null;
  to_state: string;
  event: string | null;
  transition?: number | null;
}

/** How the engine spells its own moves: the first step and automatic (choice) moves. */
const AUTOMATIC = new Set(["(start)", "(auto)", ""]);

/** The index of the transition that moved `from` to `to` with `trigger`, or null when none matches. */
export function takenTransition(workflow: Workflow, step: Step): number | null {
  if (step.transition !== undefined && step.transition !== null) return step.transition;
  const from = step.from_state;
  if (!from) return null;
  let fallback: number | null = null;
  for (const [index, t] of workflow.transitions.entries()) {
    if (t.dest !== step.to_state || !transitionSources(t, workflow).includes(from)) continue;
    const trigger = t.trigger ?? "";
    if (trigger === (step.event ?? "") || (!trigger && AUTOMATIC.has(step.event ?? ""))) return index;
    fallback ??= index;
  }
  return fallback;
}

export function pathMarks(workflow: Workflow, steps: readonly Step[], current: string | null): Marks {
  const states = new Map<string, Mark>();
  const transitions = new Map<number, Mark>();
  for (const step of steps) {
    if (step.from_state) states.set(step.from_state, "visited");
    states.set(step.to_state, "visited");
    const index = takenTransition(workflow, step);
    if (index !== null) transitions.set(index, "visited");
  }
  if (current) states.set(current, "current");
  return { states, transitions };
}
