// The problems the server found, errors first, each saying where it is. Clicking one selects the state or
// transition at fault and brings what it is about into view (opening the branch it is in; of a problem about a
// transition and a state, the one its pointer is inside is selected, the other shown beside it), or — for one about
// an example, the context schema, the workflow's own fields — opens the field that edits it. The panel is made
// taller or shorter by the bar over it (dragged, or with the arrow keys), and a row the keyboard reaches is
// scrolled into view whole, under the panel's heading.
import { useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import { countBySeverity, locate, type Finding } from "../model/findings";
import { findingMessage } from "../model/findingWords";

const HEIGHT_KEY = "statewright.problems-height";
/** The panel's least height (px), and how much of the column it may take at most. */
const LEAST_HEIGHT = 80;
const MOST_SHARE = 0.7;
/** How much one arrow key press changes it (px). */
const KEY_STEP = 40;

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
  const empty = findings.length === 0 && !error;
  const panel = useRef<HTMLElement>(null);
  const [height, setHeight] = useStoredHeight();
  return (
    <>
    {!empty && <PanelResizer panel={panel} height={height} onHeight={setHeight} />}
    <section ref={panel} className="findings" style={height !== null && !empty ? { height } : undefined} aria-label="Problems" data-testid="findings-panel" data-pending={pending ? "true" : "false"} data-empty={empty ? "true" : "false"} data-checked={unchecked ? "false" : "true"}>
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
                onFocus={(e) => e.currentTarget.scrollIntoView({ block: "nearest" })}
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
    </>
  );
}

/** The panel's height as the person last set it (in this browser), or null for the page's own. */
function useStoredHeight(): [number | null, (height: number) => void] {
  const [height, setHeight] = useState<number | null>(() => {
    try {
      const stored = Number(window.localStorage.getItem(HEIGHT_KEY));
      return stored >= LEAST_HEIGHT ? stored : null;
    } catch {
      return null;
    }
  });
  const store = (next: number) => {
    setHeight(next);
    try {
      window.localStorage.setItem(HEIGHT_KEY, String(next));
    } catch {
      // Storage refused (a private window): the height lasts for this page.
    }
  };
  return [height, store];
}

/** The bar over the panel that makes it taller (dragged up, or ↑) or shorter (down, ↓); Home and End take it to its
 * least and most. A window splitter as ARIA describes one. */
function PanelResizer({ panel, height, onHeight }: { panel: { current: HTMLElement | null }; height: number | null; onHeight: (height: number) => void }) {
  const drag = useRef<{ y: number; from: number } | null>(null);
  const most = () => Math.max(LEAST_HEIGHT, Math.floor((panel.current?.parentElement?.clientHeight ?? 600) * MOST_SHARE));
  const shown = () => panel.current?.getBoundingClientRect().height ?? height ?? LEAST_HEIGHT;
  const set = (wanted: number) => onHeight(Math.round(Math.min(most(), Math.max(LEAST_HEIGHT, wanted))));
  const onKeyDown = (e: KeyboardEvent) => {
    const to = { ArrowUp: shown() + KEY_STEP, ArrowDown: shown() - KEY_STEP, Home: LEAST_HEIGHT, End: most() }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    set(to);
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { y: e.clientY, from: shown() };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (drag.current) set(drag.current.from + drag.current.y - e.clientY);
  };
  const now = Math.round(height ?? shown());
  return (
    <div
      className="findings-resizer"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Height of the Problems panel"
      aria-valuenow={now}
      aria-valuemin={LEAST_HEIGHT}
      aria-valuetext={`${now} pixels`}
      title="Drag (or press ↑ ↓) to make the Problems panel taller or shorter"
      tabIndex={0}
      data-testid="findings-resizer"
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => (drag.current = null)}
      onPointerCancel={() => (drag.current = null)}
    />
  );
}
