// When the Paths panel can measure a draft with errors. The server measures a flow loaded without the actions
// (POST /api/paths: designer/api/paths.py, as `statewright analyze --paths`): analysis runs no handler, so a task
// whose action has no handler on this server (`unknown-action`, as in a flow imported from ASL) stops nothing.
// Any other error does — the server refuses the flow (a dead end, an unknown agent, a state nothing leads to …).
import type { Finding } from "../model/findings";

const AND = new Intl.ListFormat("en", { type: "conjunction" });

/** The error codes path analysis does not depend on, each with what the panel says of them, given their states. */
const NOT_NEEDED: Readonly<Record<string, (states: string[]) => string>> = {
  "unknown-action": (states) => `this server has no handler for the action${states.length === 1 ? "" : "s"} of ${AND.format(states)}`,
};

export interface PathsReadiness {
  /** No error the paths depend on: the panel asks the server. */
  measurable: boolean;
  /** The errors that stay although the paths are measured. */
  remaining: Finding[];
}

export function pathsReadiness(findings: readonly Finding[]): PathsReadiness {
  const errors = findings.filter((f) => f.severity === "error");
  const remaining = errors.filter((f) => f.code in NOT_NEEDED);
  return { measurable: remaining.length === errors.length, remaining };
}

/** What the panel says of the errors left: how many, what they are, and that publishing still waits for them. */
export function remainingWords(remaining: readonly Finding[]): string {
  const codes = [...new Set(remaining.map((f) => f.code))];
  const what = codes.map((code) => NOT_NEEDED[code]!([...new Set(remaining.filter((f) => f.code === code).flatMap((f) => f.states))]));
  const one = remaining.length === 1;
  return (
    `Measured although ${one ? "1 error remains" : `${remaining.length} errors remain`} that the paths do not depend on: ${AND.format(what)}. ` +
    `${one ? "It stays" : "They stay"} among the Problems, and publishing here waits for ${one ? "it" : "them"}.`
  );
}
