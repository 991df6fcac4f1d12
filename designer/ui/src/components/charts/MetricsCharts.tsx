// The Metrics page's charts: instances started and ended over the window, cost per workflow and per agent,
// and the spread of durations and approval waits (GET /api/metrics/series).
import { useMemo } from "react";
import uPlot from "uplot";
import type { MetricSeries, Spend, Spread } from "../../api/metrics";
import { formatCost } from "../format";
import UPlotChart from "./UPlotChart";

const COLOURS = { started: "#1565c0", ended: "#2e7d32", failed: "#c62828", cost: "#6a1b9a" };

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
      <section className="chart-card">
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
        {},
        { label: "started", stroke: COLOURS.started, width: 2, points: { show: true } },
        { label: "ended", stroke: COLOURS.ended, width: 2, points: { show: true } },
        { label: "of which not succeeded", stroke: COLOURS.failed, width: 1, dash: [4, 4] },
      ],
      axes: [{}, { label: "instances", size: 50 }],
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    }),
    [],
  );
  return <UPlotChart options={options} data={data} testId="chart-instances" label="Instances started and ended over time" />;
}

function CostChart({ spend, testId, label }: { spend: Spend[]; testId: string; label: string }) {
  const shown = spend.slice(0, 12);
  const data = useMemo<uPlot.AlignedData>(() => [shown.map((_, i) => i), shown.map((s) => s.cost)], [shown]);
  const options = useMemo<Omit<uPlot.Options, "width">>(
    () => ({
      height: 180,
      legend: { show: false },
      cursor: { show: false },
      series: [{}, { label: "cost", fill: COLOURS.cost + "99", stroke: COLOURS.cost, paths: uPlot.paths.bars!({ size: [0.6, 60] }), points: { show: false } }],
      scales: { x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] }, y: { range: (_u, _min, max) => [0, Math.max(max, 0.000001) * 1.1] } },
      axes: [
        { values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? shown[t]?.name ?? "" : "")), gap: 4, size: 40 },
        { values: (_u, ticks) => ticks.map((t) => formatCost(t)), size: 70 },
      ],
    }),
    [shown],
  );
  if (shown.length === 0) return <p className="muted">No cost recorded in this window.</p>;
  return (
    <>
      <UPlotChart options={options} data={data} testId={testId} label={label} />
      <ul className="chart-legend" data-testid={`${testId}-values`}>
        {shown.map((s) => (
          <li key={s.name}>
            <span className="mono">{s.name}</span> {formatCost(s.cost)}
          </li>
        ))}
      </ul>
    </>
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
            <td>{spread.count}</td>
            <td>{duration(spread.p50)}</td>
            <td>{duration(spread.p90)}</td>
            <td>{duration(spread.p99)}</td>
            <td>{duration(spread.max)}</td>
            {pendingColumn && <td>{pending ?? 0}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function duration(v: number | null): string {
  if (v === null) return "—";
  if (v < 120) return `${v.toFixed(1)} s`;
  if (v < 7200) return `${(v / 60).toFixed(1)} min`;
  return `${(v / 3600).toFixed(1)} h`;
}
