// How the workflows are doing: the design document's metrics per workflow and overall, over a window.
import { useState } from "react";
import { getMetricSeries, getMetrics, type Metrics } from "../api/metrics";
import MetricsCharts from "../components/charts/MetricsCharts";
import { formatCost, formatTime } from "../components/format";
import Notice from "../components/Notice";
import { useAsync } from "../components/useAsync";

const WINDOWS: { label: string; hours: number }[] = [
  { label: "last hour", hours: 1 },
  { label: "last 24 hours", hours: 24 },
  { label: "last 7 days", hours: 24 * 7 },
  { label: "last 30 days", hours: 24 * 30 },
];

interface Column {
  key: Exclude<keyof Metrics, "unpriced_costs">;
  label: string;
  format: (v: number | null) => string;
  /** The design document's target, in words and as a test; a figure that misses it is marked. */
  target?: { words: string; met: (v: number) => boolean };
  /** A caveat shown under the figure (null: none). */
  note?: (m: Metrics) => string | null;
}

/** Calls on a model with no price: their cost is unknown, so the cost figures understate what was spent. */
const unpriced = (m: Metrics) => (m.unpriced_costs > 0 ? `${m.unpriced_costs} call${m.unpriced_costs === 1 ? "" : "s"} unpriced` : null);

// The design document's two tables (Monitoring and Metrics), in its order.
const TABLES: { title: string; testId: string; columns: Column[] }[] = [
  {
    title: "Workflow metrics",
    testId: "metrics-table",
    columns: [
      { key: "instances_started", label: "Started", format: count },
      { key: "instances_ended", label: "Ended", format: count },
      { key: "completion_rate", label: "Completion", format: percent, target: { words: "> 90 % of ended succeed", met: (v) => v > 0.9 } },
      { key: "average_duration_s", label: "Avg duration", format: seconds, target: { words: "< 30 s", met: (v) => v < 30 } },
      { key: "retry_rate", label: "Retry rate", format: percent, target: { words: "< 5 %", met: (v) => v < 0.05 } },
      { key: "escalation_rate", label: "Escalation rate", format: percent, target: { words: "< 10 % ask a person", met: (v) => v < 0.1 } },
      { key: "pending_approvals", label: "Waiting approvals", format: count },
    ],
  },
  {
    title: "Agent performance",
    testId: "agent-metrics-table",
    columns: [
      { key: "task_runs", label: "Task runs", format: count },
      { key: "success_rate", label: "Success", format: percent, target: { words: "> 95 %", met: (v) => v > 0.95 } },
      { key: "average_latency_s", label: "Avg latency", format: seconds, target: { words: "< 5 s", met: (v) => v < 5 } },
      { key: "tool_success_rate", label: "Tool success", format: percent, target: { words: "> 98 %", met: (v) => v > 0.98 } },
      { key: "quality_score", label: "Quality score", format: score, target: { words: "> 8.0 / 10", met: (v) => v > 8 } },
      { key: "cost_per_task", label: "Cost / task", format: formatCost, note: unpriced },
      { key: "total_cost", label: "Total cost", format: formatCost, note: unpriced },
    ],
  },
];

export default function MetricsPage() {
  const [hours, setHours] = useState(24);
  const report = useAsync(() => getMetrics(new Date(Date.now() - hours * 3_600_000).toISOString()), [hours]);
  const series = useAsync(() => getMetricSeries(new Date(Date.now() - hours * 3_600_000).toISOString()), [hours]);
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
          {report.data.overall.unpriced_costs > 0 && (
            <Notice kind="info" testId="metrics-unpriced">
              {report.data.overall.unpriced_costs} action call{report.data.overall.unpriced_costs === 1 ? "" : "s"} ran on a model with no price: their
              cost is unknown and left out of the cost figures. Give those models a price on the Prices page.
            </Notice>
          )}
          {TABLES.map((table) => (
            <section key={table.testId} aria-label={table.title}>
              <h2>{table.title}</h2>
              <table className="table metrics" data-testid={table.testId}>
                <thead>
                  <tr>
                    <th>Workflow</th>
                    {table.columns.map((c) => (
                      <th key={c.key} title={c.target ? `Target: ${c.target.words}` : undefined}>
                        {c.label}
                        {c.target && <div className="muted small">{c.target.words}</div>}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  <MetricsRow name="All workflows" metrics={report.data!.overall} columns={table.columns} overall />
                  {report.data!.workflows.map((w) => (
                    <MetricsRow key={w.workflow_id} name={w.workflow_id} metrics={w} columns={table.columns} />
                  ))}
                </tbody>
              </table>
            </section>
          ))}
          {series.data && <MetricsCharts series={series.data} />}
          {series.error && <Notice kind="error">{series.error}</Notice>}
          <p className="muted small">
            Each figure is defined once, in the engine, and <code>statewright eval</code> reports the same ones (docs/api.md § Metrics).
          </p>
        </>
      )}
    </div>
  );
}

function MetricsRow({ name, metrics, columns, overall }: { name: string; metrics: Metrics; columns: Column[]; overall?: boolean }) {
  return (
    <tr className={overall ? "overall" : undefined} data-testid={`metrics-row-${overall ? "all" : name}`}>
      <th scope="row" className={overall ? undefined : "mono"}>
        {name}
      </th>
      {columns.map((c) => {
        const value = metrics[c.key];
        const missed = c.target && value !== null && !c.target.met(value);
        const note = c.note?.(metrics);
        return (
          <td key={c.key} className={missed ? "missed" : undefined} title={missed ? `Misses the target: ${c.target!.words}` : undefined}>
            {c.format(value)}
            {note && <div className="muted small" data-testid="metrics-unpriced-note">{note}</div>}
          </td>
        );
      })}
    </tr>
  );
}

function score(v: number | null): string {
  return v === null ? "—" : v.toFixed(1);
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
