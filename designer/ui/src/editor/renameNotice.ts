// What a rename changed beyond what it names plainly (the state, its transitions, the start, policies' places,
// examples): the expressions that wrote the old id as text, listed so the person can check them, with Undo.
import type { RenamedExpression } from "../model/expressionRename";

/** Up to this many expressions are listed; more are counted. */
const NAMED = 5;

/** "Renamed state 'review' to 'triage', also in 2 expressions that wrote “review” as text: the guard of the transition
 * intake → triage and the condition of policy 'p'." — or null when no expression changed. Transitions are named by
 * their ends, as the canvas draws them (model/expressionRename.ts), never by their index. */
export function renameWords(from: string, to: string, expressions: readonly RenamedExpression[]): string | null {
  if (expressions.length === 0) return null;
  const words = expressions.map((e) => e.words);
  const shown = words.length > NAMED ? [...words.slice(0, NAMED - 1), `${words.length - NAMED + 1} more`] : words;
  const listed = shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
  const count = expressions.length === 1 ? "1 expression that wrote" : `${expressions.length} expressions that wrote`;
  return `Renamed state '${from}' to '${to}', also in ${count} “${from}” as text: ${listed}.`;
}
