// An instance's history: each transition with who made it, when, its payload, duration, cost and what it
// changed in the context.
import type { HistoryEntry } from "../api/types";
import { formatCost, formatDuration, formatTime } from "../components/format";

export default function Timeline({ entries }: { entries: HistoryEntry[] }) {
  if (entries.length === 0) return <p className="muted">No transitions yet.</p>;
  return (
    <table className="table timeline" data-testid="timeline">
      <thead>
        <tr>
          <th>#</th>
          <th>Transition</th>
          <th>Trigger</th>
          <th>Who</th>
          <th>When</th>
          <th>Duration</th>
          <th>Cost</th>
          <th>Payload</th>
          <th>Context change</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((h) => (
          <tr key={h.seq} data-testid={`timeline-row-${h.seq}`}>
            <td>{h.seq}</td>
            <td className="mono">
              {h.from_state ?? "start"} → {h.to_state}
            </td>
            <td className="mono">{h.event}</td>
            <td>{h.actor ?? <span className="muted">engine</span>}</td>
            <td>{formatTime(h.at)}</td>
            <td>{formatDuration(h.duration_s === null ? null : h.duration_s * 1000)}</td>
            <td>{formatCost(h.cost)}</td>
            <td>
              <JsonCell value={h.payload} />
            </td>
            <td>
              <JsonCell value={h.context_change} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function JsonCell({ value }: { value: unknown }) {
  if (value === null || value === undefined || (typeof value === "object" && Object.keys(value as object).length === 0)) return <span className="muted">—</span>;
  const text = JSON.stringify(value);
  if (text.length <= 60) return <code className="small">{text}</code>;
  return (
    <details>
      <summary>
        <code className="small">{text.slice(0, 48)}…</code>
      </summary>
      <pre className="mono small">{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}
