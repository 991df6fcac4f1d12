// How the workflows are doing: the design document's metrics per workflow and overall, over a window.
import { useState } from "react";
import { getMetricSeries, getMetrics, type Metrics } from "../api/metrics";
import MetricsCharts from "../components/charts/MetricsCharts";
import { countOf, formatCost, formatCount, formatDecimal, formatDurationSeconds, formatPercent, formatSeconds, formatTime } from "../components/format";
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
const unpriced = (m: Metrics) => (m.unpriced_costs > 0 ? `${countOf(m.unpriced_costs, "call")} unpriced` : null);

// The design document's two tables (Monitoring and Metrics), in its order.
const TABLES: { title: string; testId: string; columns: Column[] }[] = [
  {
    title: "Workflow metrics",
    testId: "metrics-table",
    columns: [
      { key: "instances_started", label: "Started", format: formatCount },
      { key: "instances_ended", label: "Ended", format: formatCount },
      { key: "completion_rate", label: "Completion", format: formatPercent, target: { words: `> ${formatPercent(0.9, 0)} of ended succeed`, met: (v) => v > 0.9 } },
      { key: "average_duration_s", label: "Avg duration", format: formatDurationSeconds, target: { words: `< ${formatSeconds(30)}`, met: (v) => v < 30 } },
      { key: "retry_rate", label: "Retry rate", format: formatPercent, target: { words: `< ${formatPercent(0.05, 0)}`, met: (v) => v < 0.05 } },
      { key: "escalation_rate", label: "Escalation rate", format: formatPercent, target: { words: `< ${formatPercent(0.1, 0)} ask a person`, met: (v) => v < 0.1 } },
      { key: "pending_approvals", label: "Waiting approvals", format: formatCount },
    ],
  },
  {
    title: "Agent performance",
    testId: "agent-metrics-table",
    columns: [
      { key: "task_runs", label: "Task runs", format: formatCount },
      { key: "success_rate", label: "Success", format: formatPercent, target: { words: `> ${formatPercent(0.95, 0)}`, met: (v) => v > 0.95 } },
      { key: "average_latency_s", label: "Avg latency", format: formatDurationSeconds, target: { words: `< ${formatSeconds(5)}`, met: (v) => v < 5 } },
      { key: "tool_success_rate", label: "Tool success", format: formatPercent, target: { words: `> ${formatPercent(0.98, 0)}`, met: (v) => v > 0.98 } },
      { key: "quality_score", label: "Quality score", format: score, target: { words: `> ${formatDecimal(8, 1)} / 10`, met: (v) => v > 8 } },
      { key: "cost_per_task", label: "Cost / task", format: formatCost, note: unpriced },
      { key: "total_cost", label: "Total cost", format: formatCost, note: unpriced },
    ],
  },
];

export default function MetricsPage() {
  const [hours, setHours] = useState(24);
  const report = useAsync(() => getMetrics(new Date(Date.now() - hours * 3_600_000).toISOString()), [hours]);
  const series = useAsync(() => getMetricSeries(new Date(Date.now() - hours * 3_600_000).toISOString()), [hours]);
  // Counting a window of hundreds of thousands of instances takes a moment: say so, and grey out the old window.
  const counting = report.loading || series.loading;
  return (
    <div className="page" data-testid="metrics-page" aria-busy={counting}>
      <div className="page-heading">
        <h1>Metrics</h1>
        <div className="row">
          <span className="muted" role="status" data-testid="metrics-loading">
            {counting ? (report.data ? "Counting the new window…" : "Counting…") : ""}
          </span>
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
      </div>
      {report.error && <Notice kind="error">{report.error}</Notice>}
      {report.data && (
        <div className={counting ? "stale" : undefined}>
          <p className="muted">
            {formatTime(report.data.since)} — {formatTime(report.data.until)}, instances of your tenant.
          </p>
          {report.data.overall.unpriced_costs > 0 && (
            <Notice kind="info" testId="metrics-unpriced">
              {countOf(report.data.overall.unpriced_costs, "action call")} ran on a model with no price: their
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
        </div>
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
  return v === null ? "—" : formatDecimal(v, 1);
}
