// An instance's history: each transition with who made it, when, its payload, duration, cost, the tool calls
// the task's action made (a row beneath opens to each attempt and call) and what it changed in the context.
import { Fragment, useState } from "react";
import type { HistoryEntry } from "../api/types";
import { formatCost, formatDuration, formatTime } from "../components/format";
import JsonPreview from "../components/JsonPreview";
import { errorPayloadWords } from "./failureWords";
import { AttemptList, ToolCallsToggle } from "./ToolCalls";

const COLUMNS = ["#", "Transition", "Trigger", "Who", "When", "Duration", "Cost", "Tool calls", "Payload", "Context change"];

export default function Timeline({ entries }: { entries: HistoryEntry[] }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  if (entries.length === 0) return <p className="muted">No transitions yet.</p>;
  const toggle = (seq: number) =>
    setOpen((was) => {
      const now = new Set(was);
      if (!now.delete(seq)) now.add(seq);
      return now;
    });
  return (
    <table className="table timeline" data-testid="timeline">
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th key={c}>{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {entries.map((h) => {
          const attempts = h.attempts;
          const expanded = attempts.length > 0 && open.has(h.seq);
          const detailsId = `timeline-attempts-${h.seq}`;
          return (
            <Fragment key={h.seq}>
              <tr data-testid={`timeline-row-${h.seq}`} className={expanded ? "expanded" : undefined}>
                <td>{h.seq}</td>
                <td className="mono">
                  {h.from_state ?? "start"} → {h.to_state}
                </td>
                <td className="mono">{h.event}</td>
                <td>{h.actor ?? <span className="muted">engine</span>}</td>
                <td>{formatTime(h.at)}</td>
                <td>{formatDuration(h.duration_s === null ? null : h.duration_s * 1000)}</td>
                <td>{formatCost(h.cost)}</td>
                <td data-testid="tool-calls">
                  {attempts.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    <ToolCallsToggle attempts={attempts} open={expanded} controls={detailsId} onToggle={() => toggle(h.seq)} />
                  )}
                </td>
                <td>
                  <PayloadCell payload={h.payload} />
                </td>
                <td>
                  <JsonPreview value={h.context_change} />
                </td>
              </tr>
              {expanded && (
                <tr className="attempts-row" id={detailsId} data-testid={`timeline-attempts-${h.seq}`}>
                  <td colSpan={COLUMNS.length}>
                    <AttemptList attempts={attempts} />
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

/** A step's payload; an error's ({kind, message}) is written out whole in words above it, never cut. */
function PayloadCell({ payload }: { payload: unknown }) {
  const error = errorPayloadWords(payload);
  return (
    <>
      {error && (
        <div className="payload-error error-text small" data-testid="payload-error">
          {error}
        </div>
      )}
      <JsonPreview value={payload} />
    </>
  );
}
