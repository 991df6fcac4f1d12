// How the workflows are doing: the design document's metrics per workflow and overall, over a window.
import { useState } from "react";
import { getMetrics, type Metrics } from "../api/metrics";
import { formatCost, formatTime } from "../components/format";
import Notice from "../components/Notice";
import { useAsync } from "../components/useAsync";

const WINDOWS: { label: string; hours: number }[] = [
  { label: "last hour", hours: 1 },
  { label: "last 24 hours", hours: 24 },
  { label: "last 7 days", hours: 24 * 7 },
  { label: "last 30 days", hours: 24 * 30 },
];

const COLUMNS: { key: keyof Metrics; label: string; format: (v: number | null) => string }[] = [
  { key: "instances_started", label: "Started", format: count },
  { key: "instances_finished", label: "Finished", format: count },
  { key: "completion_rate", label: "Completion", format: percent },
  { key: "success_rate", label: "Success", format: percent },
  { key: "average_duration_s", label: "Avg duration", format: seconds },
  { key: "average_latency_s", label: "Avg task latency", format: seconds },
  { key: "action_success_rate", label: "Action success", format: percent },
  { key: "retry_rate", label: "Retry rate", format: percent },
  { key: "escalation_rate", label: "Escalation rate", format: percent },
  { key: "cost_per_task", label: "Cost / task", format: formatCost },
  { key: "total_cost", label: "Total cost", format: formatCost },
];

export default function MetricsPage() {
  const [hours, setHours] = useState(24);
  const report = useAsync(() => getMetrics(new Date(Date.now() - hours * 3_600_000).toISOString()), [hours]);
  return (
    <div className="page" data-testid="metrics-page">
      <div className="page-heading">
        <h1>Metrics</h1>
        <label className="inline-label">
          Window{" "}
          <select value={hours} onChange={(e) => setHours(Number(e.target.value))} data-testid="metrics-window">
            {WINDOWS.map((w) => (
              <option key={w.hours} value={w.hours}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {report.error && <Notice kind="error">{report.error}</Notice>}
      {report.data && (
        <>
          <p className="muted">
            {formatTime(report.data.since)} — {formatTime(report.data.until)}, instances of your tenant.
          </p>
          <table className="table" data-testid="metrics-table">
            <thead>
              <tr>
                <th>Workflow</th>
                {COLUMNS.map((c) => (
                  <th key={c.key}>{c.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr className="overall">
                <th scope="row">All workflows</th>
                {COLUMNS.map((c) => (
                  <td key={c.key}>{c.format(report.data!.overall[c.key])}</td>
                ))}
              </tr>
              {report.data.workflows.map((w) => (
                <tr key={w.workflow_id}>
                  <th scope="row" className="mono">
                    {w.workflow_id}
                  </th>
                  {COLUMNS.map((c) => (
                    <td key={c.key}>{c.format(w[c.key])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

function count(v: number | null): string {
  return v === null ? "—" : String(v);
}

function percent(v: number | null): string {
  return v === null ? "—" : `${(v * 100).toFixed(1)} %`;
}

function seconds(v: number | null): string {
  if (v === null) return "—";
  return v < 120 ? `${v.toFixed(1)} s` : `${(v / 60).toFixed(1)} min`;
}
