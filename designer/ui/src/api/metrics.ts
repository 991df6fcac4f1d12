// The design document's KPIs over a time window (docs/api.md § Metrics; defined in engine.read_models.kpis).
import { getJson } from "./http";
import type { components } from "./openapi.gen";

type Schemas = components["schemas"];

export type Metrics = Schemas["Kpis"];
export type MetricsReport = Schemas["MetricsReport"];

export const getMetrics = (since?: string, until?: string, workflow?: string) =>
  getJson<MetricsReport>("/api/metrics", { since, until, workflow });

/** A spread of durations: count and percentiles in seconds (null: nothing measured). */
export type Spread = Omit<Schemas["WorkflowSpread"], "workflow_id">;
export type Spend = Schemas["Spend"];
export type MetricSeries = Schemas["MetricSeries"];

export const getMetricSeries = (since?: string, until?: string, buckets = 24) =>
  getJson<MetricSeries>("/api/metrics/series", { since, until, buckets });
