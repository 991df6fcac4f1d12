// What a deletion took with it, in words: the transitions into and out of the deleted states that went too,
// so a person who deleted a state others lead to is told, with Undo at hand.
import { transitionsRemovedWith } from "../model/edits";
import { ANY_SOURCE, type Workflow } from "../model/workflow";

/** Up to this many state names are listed; more are counted. */
const NAMED = 4;

function quoted(workflow: Workflow, id: string): string {
  return `“${workflow.states[id]?.title || id}”`;
}

function list(names: string[]): string {
  const shown = names.length > NAMED ? [...names.slice(0, NAMED - 1), `${names.length - NAMED + 1} more`] : names;
  return shown.length <= 1 ? (shown[0] ?? "") : `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

const transitions = (n: number) => `${n} transition${n === 1 ? "" : "s"}`;

/**
 * "Deleted “Review” and the 3 transitions into it (from check, route and escalate) and 1 out of it." — or null
 * when no transition went with the states (nothing the person did not see go).
 */
export function deletionWords(workflow: Workflow, stateIds: readonly string[], transitionIndexes: readonly number[]): string | null {
  if (stateIds.length === 0) return null;
  const gone = new Set(stateIds);
  const removed = transitionsRemovedWith(workflow, stateIds, transitionIndexes).map((i) => workflow.transitions[i]!);
  if (removed.length === 0) return null;
  const incoming = removed.filter((t) => gone.has(t.dest));
  const outgoing = removed.length - incoming.length;
  const sources = new Set<string>();
  for (const t of incoming) {
    const named = t.source === ANY_SOURCE ? ["any state"] : Array.isArray(t.source) ? t.source : [t.source];
    for (const source of named) if (!gone.has(source)) sources.add(source === "any state" ? source : quoted(workflow, source));
  }
  const one = stateIds.length === 1;
  const what = one ? quoted(workflow, stateIds[0]!) : `${stateIds.length} states (${list(stateIds.map((id) => quoted(workflow, id)))})`;
  const it = one ? "it" : "them";
  const parts: string[] = [];
  if (incoming.length > 0) {
    const from = sources.size > 0 ? ` (from ${list([...sources])})` : "";
    parts.push(`the ${transitions(incoming.length)} into ${it}${from}`);
  }
  if (outgoing > 0) parts.push(incoming.length > 0 ? `${outgoing} out of ${it}` : `the ${transitions(outgoing)} out of ${it}`);
  return `Deleted ${what} and ${parts.join(" and ")}.`;
}
