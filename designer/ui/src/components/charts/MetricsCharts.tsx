// The Metrics page's charts: instances started and ended over the window, cost per workflow and per agent,
// and the spread of durations and approval waits (GET /api/metrics/series).
import { useMemo } from "react";
import uPlot from "uplot";
import type { MetricSeries, Spend, Spread } from "../../api/metrics";
import { countOf, formatCost, formatCount, formatDurationSeconds, formatTime } from "../format";
import UPlotChart, { fitValues } from "./UPlotChart";

const COLOURS = { started: "#1565c0", ended: "#2e7d32", failed: "#c62828" };
/** Tick steps for counts: 1, 2, 5, 10, 20, 50, … up to 5 × 10¹². */
const WHOLE_STEPS = Array.from({ length: 13 }, (_, power) => [1, 2, 5].map((m) => m * 10 ** power)).flat();

export default function MetricsCharts({ series }: { series: MetricSeries }) {
  return (
    <div className="metrics-charts" data-testid="metrics-charts">
      <section className="chart-card">
        <h2>Instances over time</h2>
        <InstancesChart series={series} />
      </section>
      <section className="chart-card">
        <h2>Cost per workflow</h2>
        <CostChart spend={series.cost_by_workflow} testId="chart-cost-workflow" label="Cost per workflow" />
      </section>
      <section className="chart-card">
        <h2>Cost per agent</h2>
        <CostChart spend={series.cost_by_agent} testId="chart-cost-agent" label="Cost per agent" />
      </section>
      <section className="chart-card wide">
        <h2>How long it takes</h2>
        <SpreadTable testId="duration-spread" title="Instance duration" rows={series.durations.map((d) => ({ name: d.workflow_id, spread: d }))} />
        <SpreadTable testId="approval-waits" title="Approval wait" rows={series.approval_waits.map((a) => ({ name: a.workflow_id, spread: a, pending: a.pending }))} />
      </section>
    </div>
  );
}

function InstancesChart({ series }: { series: MetricSeries }) {
  const data = useMemo<uPlot.AlignedData>(
    () => [series.buckets.map((b) => b.start), series.buckets.map((b) => b.started), series.buckets.map((b) => b.ended), series.buckets.map((b) => b.failed)],
    [series],
  );
  const options = useMemo<Omit<uPlot.Options, "width">>(
    () => ({
      height: 200,
      series: [
        { value: (_u, v) => (v === null ? "—" : formatTime(new Date(v * 1000).toISOString())) },
        { label: "started", stroke: COLOURS.started, width: 2, points: { show: true }, value: (_u, v) => formatCount(v) },
        { label: "ended", stroke: COLOURS.ended, width: 2, points: { show: true }, value: (_u, v) => formatCount(v) },
        { label: "of which not succeeded", stroke: COLOURS.failed, width: 1, dash: [4, 4], value: (_u, v) => formatCount(v) },
      ],
      // Counts are whole: ticks at 1, 2, 5 × 10ⁿ, written as the reader's locale groups digits; the axis as wide as
      // its widest value, so "300,000" and the axis title beside it never overlap.
      axes: [{}, { label: "instances", incrs: WHOLE_STEPS, values: (_u, ticks) => ticks.map(formatCount), size: fitValues }],
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    }),
    [],
  );
  return <UPlotChart options={options} data={data} testId="chart-instances" label="Instances started and ended over time" />;
}

/** Spend per workflow or agent, most first: a bar per name, in rows — the names read whole, however many and
 * however long (on a chart's axis they ran into one another). */
function CostChart({ spend, testId, label }: { spend: Spend[]; testId: string; label: string }) {
  const shown = spend.slice(0, 12);
  if (shown.length === 0) return <p className="muted">No cost recorded in this window.</p>;
  const most = Math.max(...shown.map((s) => s.cost));
  return (
    <div data-testid={testId}>
      <ul className="cost-bars" aria-label={label} data-testid={`${testId}-values`}>
        {shown.map((s) => (
          <li key={s.name} data-testid="cost-bar">
            <span className="mono cost-bar-name" title={s.name}>
              {s.name}
            </span>
            <span className="cost-bar-track" aria-hidden="true">
              <span className="cost-bar" style={{ width: `${most > 0 ? Math.max(0.5, (s.cost / most) * 100) : 0}%` }} />
            </span>
            <span className="cost-bar-value">{formatCost(s.cost)}</span>
          </li>
        ))}
      </ul>
      {spend.length > shown.length && <p className="muted small">and {countOf(spend.length - shown.length, "other")} spending less</p>}
    </div>
  );
}

function SpreadTable({ title, rows, testId }: { title: string; rows: { name: string; spread: Spread; pending?: number }[]; testId: string }) {
  if (rows.length === 0) return null;
  const pendingColumn = rows.some((r) => r.pending !== undefined);
  return (
    <table className="table compact" data-testid={testId}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th>Workflow</th>
          <th>n</th>
          <th>median</th>
          <th>p90</th>
          <th>p99</th>
          <th>longest</th>
          {pendingColumn && <th>waiting now</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map(({ name, spread, pending }) => (
          <tr key={name}>
            <th scope="row" className="mono">
              {name}
            </th>
            <td>{formatCount(spread.count)}</td>
            <td>{formatDurationSeconds(spread.p50)}</td>
            <td>{formatDurationSeconds(spread.p90)}</td>
            <td>{formatDurationSeconds(spread.p99)}</td>
            <td>{formatDurationSeconds(spread.max)}</td>
            {pendingColumn && <td>{formatCount(pending ?? 0)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
