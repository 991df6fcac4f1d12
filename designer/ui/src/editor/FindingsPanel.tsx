// The problems the server found, errors first, each saying where it is. Clicking one selects the state or
// transition at fault and brings what it is about into view (opening the branch it is in; of a problem about a
// transition and a state, the one its pointer is inside is selected, the other shown beside it), or — for one about
// an example, the context schema, the workflow's own fields — opens the field that edits it.
import { countBySeverity, locate, type Finding } from "../model/findings";
import { findingMessage } from "../model/findingWords";

export interface FindingsPanelProps {
  findings: readonly Finding[];
  pending: boolean;
  error: string | null;
  onReveal: (finding: Finding) => void;
  /** The branch a finding is in, for people (`review › legal`); null at the top level. */
  placeOf?: (finding: Finding) => string | null;
  /** Where a finding about no state or transition is (`Example 'low risk': name`); see findingPlaces.ts. */
  whereOf?: (finding: Finding) => string | null;
}

export default function FindingsPanel({ findings, pending, error, onReveal, placeOf, whereOf }: FindingsPanelProps) {
  const { errors, warnings } = countBySeverity(findings);
  const sorted = [...findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
  // While the server cannot check the flow, no count is given: "0 errors" would claim a check that did not happen.
  const unchecked = error !== null;
  return (
    <section className="findings" aria-label="Problems" data-testid="findings-panel" data-pending={pending ? "true" : "false"} data-empty={findings.length === 0 && !error ? "true" : "false"} data-checked={unchecked ? "false" : "true"}>
      <h2>
        Problems{" "}
        {unchecked ? (
          <span className="count status-stuck" data-testid="findings-unchecked">
            not checked
          </span>
        ) : (
          <>
            <span className={`count ${errors ? "count-error" : "count-ok"}`} data-testid="findings-errors">
              {errors} error{errors === 1 ? "" : "s"}
            </span>{" "}
            <span className="count count-warning" data-testid="findings-warnings">
              {warnings} warning{warnings === 1 ? "" : "s"}
            </span>
          </>
        )}
        {pending && <span className="checking"> checking…</span>}
      </h2>
      {error && (
        <p className="error-text" role="alert" data-testid="findings-unavailable">
          Validation is unavailable: the flow as it is now is not checked. {error} It is checked by itself once the server answers
          {findings.length > 0 ? "; until then, the problems listed are those of the last check." : "."}
        </p>
      )}
      {!error && findings.length === 0 && !pending && <p className="ok-text">No problems found.</p>}
      <ul>
        {sorted.map((f, i) => {
          const where = locate(f);
          const named = [...where.states, ...where.transitions.map((t) => `transition ${t + 1}`)].join(", ");
          const target = named || (whereOf?.(f) ?? "");
          const place = placeOf?.(f) ?? null;
          return (
            <li key={`${f.code}-${f.pointer}-${i}`}>
              <button
                type="button"
                className={`finding finding-${f.severity}`}
                data-testid={`finding-${f.code}`}
                data-states={where.states.join(" ")}
                onClick={() => onReveal(f)}
              >
                <span className="finding-severity">{f.severity}</span>
                <span className="finding-code">{f.code}</span>
                <span className="finding-message" title={f.message}>
                  {findingMessage(f)}
                </span>
                {(target || place) && (
                  <span className="finding-target" data-testid="finding-target">
                    {target}
                    {place && <span className="finding-place"> in {place}</span>}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
