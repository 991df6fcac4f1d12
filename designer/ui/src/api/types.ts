// The shapes docs/api.md documents, as the UI reads them.
import type { Finding } from "../model/findings";
import type { Workflow } from "../model/workflow";

export type Permission = "read" | "edit_drafts" | "publish" | "operate" | "decide" | "admin";

export interface Me {
  username: string;
  display_name: string | null;
  tenant: string;
  roles: string[];
  approver_roles: string[];
  permissions: Permission[];
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface DefinitionSummary {
  id: string;
  title: string;
  description: string | null;
  latest_version: number;
  versions: number;
  states: number;
  transitions: number;
  published_at: string;
  drafts: number;
}

export interface VersionSummary {
  workflow_id: string;
  version: number;
  title: string;
  published_at: string;
}

export interface VersionDetail extends VersionSummary {
  definition: Workflow;
}

export interface StateChange {
  id: string;
  fields: string[];
  before: unknown;
  after: unknown;
}

export interface TransitionDiffEntry {
  key: string;
  index: number;
  transition: unknown;
}

export interface TransitionChange {
  key: string;
  fields: string[];
  before: unknown;
  after: unknown;
  index_before: number;
  index_after: number;
}

export interface Diff {
  workflow_id: string;
  from_version: number;
  to_version: number;
  states: { added: string[]; removed: string[]; changed: StateChange[] };
  transitions: { added: TransitionDiffEntry[]; removed: TransitionDiffEntry[]; changed: TransitionChange[] };
  fields: string[];
}

export interface DraftSummary {
  id: string;
  workflow_id: string | null;
  title: string | null;
  base_version: number | null;
  revision: number;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface Draft extends DraftSummary {
  content: Record<string, unknown>;
}

export interface ValidationReport {
  valid: boolean;
  errors: number;
  warnings: number;
  findings: Finding[];
}

export interface LayoutBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  states: Record<string, LayoutBox>;
  width: number;
  height: number;
}

export type DiagramFormat = "svg" | "png" | "pdf" | "dot" | "mermaid";

export interface SimulationEvent {
  event: string;
  payload?: Record<string, unknown>;
  actor?: string;
}

export interface GuardValue {
  transition: number;
  dest?: string;
  guard: string | null;
  value: boolean | null;
  error?: string | null;
}

/** What the engine decided to do in a step (run an action, ask for approval, arm a timer, ...). */
export interface Effect {
  type: string;
  [detail: string]: unknown;
}

export interface SimulationStep {
  index: number;
  /** The trigger; `(start)` for the first step, `(auto)` for an automatic move. */
  event: string;
  actor: string | null;
  from_state: string | null;
  to_state: string;
  transition: number | null;
  guards: GuardValue[];
  changes: Record<string, unknown>;
  context: Record<string, unknown>;
  status: InstanceStatus;
  policies: unknown[];
  effects: Effect[];
  error: unknown;
}

/** `stuck`: a task's attempts were all lost with their workers and it has no error path — for an operator. */
export type InstanceStatus = "running" | "held" | "stuck" | "succeeded" | "failed" | "cancelled";

export interface SimulationResult {
  state: string;
  status: InstanceStatus;
  context: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: unknown;
  steps: SimulationStep[];
  visited: string[];
  rejected: { index: number; event: string; state: string; detail: string }[];
}

export interface ApprovalSummary {
  id: number;
  instance_id: string;
  workflow_id: string;
  state: string;
  /** `state`: an approval state; `policy`: a policy's approval gate; `agent`: an agent whose policy requires a
   * person's approval before each of its actions. */
  kind: "state" | "policy" | "agent";
  policy_id: string | null;
  status: string;
  /** What the approver is shown, computed by the definition (an agent's: the agent, its action and input). */
  request: Record<string, unknown>;
  approvers: { roles: string[]; users: string[] };
  quorum: number;
  approvals: number;
  /** Each approver's decision so far, with their comment. */
  decisions: Decision[];
  workflow_title: string | null;
  state_title: string | null;
  requested_at: string;
  due_at: string | null;
  decided_at: string | null;
}

export interface HistoryEntry {
  seq: number;
  from_state: string | null;
  to_state: string;
  /** The trigger; the engine's own moves are `(start)`, `(auto)`, `(cancel)` and `(redrive)`. */
  event: string;
  actor: string | null;
  payload: unknown;
  context_change: Record<string, unknown> | null;
  status: InstanceStatus;
  guards: GuardValue[];
  policies: unknown[];
  at: string;
  duration_s: number | null;
  cost: number | null;
  /** On the transition that leaves a task: each attempt of its action, with the tool calls it made. */
  attempts: ActionAttempt[];
}

/** One tool call an action made: the tool, its parameters, and what came back or what went wrong. */
export interface ToolStep {
  action: string;
  parameters: Record<string, unknown>;
  result?: unknown;
  error?: unknown;
  timestamp?: string;
  step_id?: string;
}

/** An error as the engine records it: a kind (`timeout`, `validation`, ...) and a message, maybe more. */
export interface ActionError {
  kind?: string;
  message?: string;
  [detail: string]: unknown;
}

/** One attempt of a task's action; `retry` when a later attempt followed it, `lost` when its worker stopped. */
export interface ActionAttempt {
  attempt: number;
  action: string;
  agent: string | null;
  outcome: "done" | "error" | "retry" | "lost";
  error: ActionError | null;
  steps: ToolStep[];
  cost: number | null;
  at: string;
}

/** The request of an approval of kind `agent`: who wants to run what, with which input. */
export interface AgentApprovalRequest {
  agent: string;
  agent_name: string;
  agent_version: string;
  action: string;
  input: unknown;
  reason: string;
}

export interface Decision {
  approval_id: number;
  instance_id: string;
  workflow_id: string;
  state: string;
  decision: "approve" | "reject";
  comment: string | null;
  actor: string;
  decided_at: string;
}

export interface InstanceSummary {
  id: string;
  workflow_id: string;
  version: number;
  tenant: string;
  state: string;
  status: InstanceStatus;
  parent_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ApprovalDetail extends ApprovalSummary {
  description: string | null;
  context: Record<string, unknown>;
  instance: InstanceSummary;
  history: HistoryEntry[];
}

export interface Timer {
  fire: string;
  due_at: string;
}

export interface InstanceDetail extends InstanceSummary {
  context: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: unknown;
  started_by: string | null;
  path: string[];
  pending_approvals: ApprovalSummary[];
  timers: Timer[];
  cost: number | null;
  /** The events a caller may send now; the runtime's own (done, approve, timeout, ...) are left out. */
  accepted_events: string[];
  /** Whether POST …/redrive would resume it now: a failed top-level instance with a failed step to resume. */
  redrivable: boolean;
}

/** Seconds and dollars from least to most; null worst: no declared limit (time) or unknown (cost). */
export interface PathFigures {
  best_s: number;
  worst_s: number | null;
  expected_s: number | null;
  cost_best: number;
  cost_worst: number | null;
  cost_expected: number | null;
}

/** One step of a path: leaving `state` by transition `transition` (engine.paths.report.StepReport). */
export interface PathStep extends PathFigures {
  state: string;
  transition: number;
  trigger: string | null;
  dest: string;
  recorded: number;
}

export interface PathReport extends PathFigures {
  number: number;
  states: string[];
  final: string;
  outcome: string;
  probability: number | null;
  runs_taken: number;
  critical: boolean;
  sla_at_risk: boolean;
  unrecorded_steps: number;
  loops: number[];
  steps: PathStep[];
}

/** Each simple path's time and cost (POST /api/paths, GET /api/definitions/{id}/paths). */
export interface PathsReport {
  workflow: string;
  version: number;
  paths: PathReport[];
  limit: number;
  bounded: boolean;
  critical: number | null;
  sla_s: number | null;
  basis: "history" | "declared";
  runs: number;
  runs_on_paths: number;
  min_runs: number;
  notes: string[];
}
