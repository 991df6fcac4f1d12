// The design document's KPIs over a time window (docs/api.md § Metrics; defined in engine.read_models.kpis).
import { getJson } from "./http";

export interface Metrics {
  instances_started: number;
  instances_ended: number;
  instances_succeeded: number;
  completion_rate: number | null;
  average_duration_s: number | null;
  retry_rate: number | null;
  escalation_rate: number | null;
  task_runs: number;
  success_rate: number | null;
  average_latency_s: number | null;
  action_attempts: number;
  tool_calls: number;
  tool_success_rate: number | null;
  quality_score: number | null;
  quality_scored: number;
  cost_per_task: number | null;
  cost_per_instance: number | null;
  total_cost: number;
  pending_approvals: number;
}

export interface MetricsReport {
  since: string;
  until: string;
  overall: Metrics;
  workflows: (Metrics & { workflow_id: string })[];
}

export const getMetrics = (since?: string, until?: string, workflow?: string) =>
  getJson<MetricsReport>("/api/metrics", { since, until, workflow });

export interface Spread {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

export interface Spend {
  name: string;
  cost: number;
}

export interface MetricSeries {
  since: number;
  until: number;
  bucket_s: number;
  buckets: { start: number; started: number; ended: number; failed: number }[];
  durations: (Spread & { workflow_id: string })[];
  cost_by_workflow: Spend[];
  cost_by_agent: Spend[];
  approval_waits: (Spread & { workflow_id: string; pending: number })[];
}

export const getMetricSeries = (since?: string, until?: string, buckets = 24) =>
  getJson<MetricSeries>("/api/metrics/series", { since, until, buckets });
