// Operational metrics over a time window (docs/api.md § Metrics).
import { getJson } from "./http";

export interface Metrics {
  instances_started: number;
  instances_finished: number;
  completion_rate: number | null;
  success_rate: number | null;
  average_duration_s: number | null;
  average_latency_s: number | null;
  action_success_rate: number | null;
  retry_rate: number | null;
  escalation_rate: number | null;
  cost_per_task: number | null;
  total_cost: number | null;
}

export interface MetricsReport {
  since: string;
  until: string;
  overall: Metrics;
  workflows: (Metrics & { workflow_id: string })[];
}

export const getMetrics = (since?: string, until?: string, workflow?: string) =>
  getJson<MetricsReport>("/api/metrics", { since, until, workflow });
