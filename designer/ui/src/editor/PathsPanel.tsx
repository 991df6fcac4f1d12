// Each simple path from the initial state to an end, with its best, worst and expected time and cost (and,
// for a published version with runs, how often it was taken). Selecting a path outlines it on the canvas and
// colours its states by their share of the worst-case time or cost; "Play" plays it in the simulator.
import { useEffect, useRef, useState } from "react";
import type { PathReport, PathsReport } from "../api/types";
import { formatDollars, formatSeconds } from "../components/format";
import { COLOUR_LABELS, type PathColour } from "./pathHeat";

const DEBOUNCE_MS = 400;

export interface PathsPanelProps {
  /** Asks the server for the report; asked again whenever `source` changes while the panel is shown. */
  load: () => Promise<PathsReport>;
  source: unknown;
  active: boolean;
  selected: PathReport | null;
  onSelect: (path: PathReport | null) => void;
  colour: PathColour;
  onColour: (colour: PathColour) => void;
  /** Play the path in the simulator; no Play buttons without it. */
  onPlay?: (path: PathReport) => void;
}

/** 'a → b -error→ c': the states, with the trigger named where it is not `done` or automatic. */
export function pathWords(path: PathReport): string {
  let words = path.states[0] ?? "";
  for (const step of path.steps) {
    words += step.trigger === null || step.trigger === "done" ? " → " : ` -${step.trigger}→ `;
    words += step.dest;
  }
  return words;
}

function samePath(a: PathReport, b: PathReport): boolean {
  return a.steps.length === b.steps.length && a.steps.every((s, i) => s.state === b.steps[i]?.state && s.transition === b.steps[i]?.transition);
}

function useReport(load: () => Promise<PathsReport>, source: unknown, active: boolean) {
  const [report, setReport] = useState<PathsReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const ticket = useRef(0);
  useEffect(() => {
    if (!active) return;
    const mine = ++ticket.current;
    setPending(true);
    const timer = window.setTimeout(() => {
      load()
        .then((answer) => {
          if (mine === ticket.current) {
            setReport(answer);
            setError(null);
          }
        })
        .catch((e: unknown) => {
          if (mine === ticket.current) setError(e instanceof Error ? e.message : String(e));
        })
        .finally(() => {
          if (mine === ticket.current) setPending(false);
        });
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
    // `load` is a new function each render; `source` says when what it loads has changed
  }, [source, active]);
  return { report, error, pending };
}

export default function PathsPanel({ load, source, active, selected, onSelect, colour, onColour, onPlay }: PathsPanelProps) {
  const { report, error, pending } = useReport(load, source, active);
  // After an edit, keep the selection on the same way through the flow, or drop it when that way is gone.
  useEffect(() => {
    if (!report || !selected) return;
    const again = report.paths.find((p) => samePath(p, selected)) ?? null;
    if (again !== selected) onSelect(again);
  }, [report]);
  return (
    <section className="paths-panel" aria-label="Paths" data-testid="paths-panel" data-pending={pending ? "true" : "false"}>
      <h2>Paths{report && <span className="muted"> — {report.paths.length}{report.bounded ? "+" : ""}</span>}</h2>
      {error && (
        <p className="error-text" role="alert">
          Paths are unavailable: {error}
        </p>
      )}
      {!report && !error && <p className="muted">Measuring the paths…</p>}
      {report && (
        <>
          <p className="paths-basis" data-testid="paths-basis">
            {report.basis === "history"
              ? `Expected figures from ${report.runs} finished run${report.runs === 1 ? "" : "s"}.`
              : "From the definition: timeouts, waits, due times, retries, budgets and prices."}
            {report.sla_s !== null && ` SLA ${formatSeconds(report.sla_s)}.`}
          </p>
          <label className="inline-label">
            Colour the canvas by{" "}
            <select value={colour} onChange={(e) => onColour(e.target.value as PathColour)} data-testid="paths-colour">
              {(Object.keys(COLOUR_LABELS) as PathColour[]).map((c) => (
                <option key={c} value={c}>
                  {COLOUR_LABELS[c]}
                </option>
              ))}
            </select>
          </label>
          <ol className="paths-list">
            {report.paths.map((path) => (
              <li key={path.number}>
                <PathRow path={path} selected={selected !== null && samePath(path, selected)} onSelect={onSelect} />
                {onPlay && (
                  <button type="button" className="path-play" data-testid={`path-play-${path.number}`} title="Play this path in the simulator, step by step" onClick={() => onPlay(path)}>
                    ▶ Play in simulator
                  </button>
                )}
              </li>
            ))}
          </ol>
          <ul className="paths-notes" data-testid="paths-notes">
            {report.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function PathRow({ path, selected, onSelect }: { path: PathReport; selected: boolean; onSelect: (p: PathReport | null) => void }) {
  const taken = path.probability !== null ? `taken ${Math.round(path.probability * 100)}% (${path.runs_taken} runs)` : path.runs_taken ? `taken ${path.runs_taken}×` : "";
  return (
    <button
      type="button"
      className={`path-row outcome-${path.outcome}`}
      aria-pressed={selected}
      data-testid={`path-${path.number}`}
      data-critical={path.critical ? "true" : "false"}
      onClick={() => onSelect(selected ? null : path)}
    >
      <span className="path-heading">
        <strong>#{path.number}</strong> to <code>{path.final}</code>
        {path.critical && <span className="path-tag path-critical" title="the longest worst case">critical</span>}
        {path.sla_at_risk && <span className="path-tag path-sla" title="its worst case is longer than the SLA">SLA at risk</span>}
      </span>
      <span className="path-route">{pathWords(path)}</span>
      <span className="path-figures">
        <span data-testid="path-time">
          time {formatSeconds(path.best_s)} to {formatSeconds(path.worst_s)}
          {path.expected_s !== null && `, expected ${formatSeconds(path.expected_s)}`}
        </span>
        <span data-testid="path-cost">
          cost {formatDollars(path.cost_best)} to {formatDollars(path.cost_worst)}
          {path.cost_expected !== null && `, expected ${formatDollars(path.cost_expected)}`}
        </span>
        {taken && <span>{taken}</span>}
      </span>
    </button>
  );
}
