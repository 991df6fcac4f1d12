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
