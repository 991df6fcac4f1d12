// The definition format as the browser sees it: the JSON a draft holds. It mirrors the pydantic models in
// engine/definition, but every field is optional because a draft being edited need not be valid yet; the
// server's validate endpoint is the judge of validity.

export type StateType = "task" | "choice" | "approval" | "wait" | "parallel" | "subflow" | "map" | "final";

export const STATE_TYPES: readonly StateType[] = [
  "task",
  "choice",
  "approval",
  "wait",
  "parallel",
  "subflow",
  "map",
  "final",
];

export type ExpressionMap = Record<string, string>;

export interface Retry {
  max_attempts?: number;
  backoff?: "fixed" | "exponential";
  initial_interval_s?: number;
  max_interval_s?: number;
  multiplier?: number;
  jitter?: boolean;
  retry_on?: string[];
}

/** One rule of a task's `retry` list: the policy's fields for the kinds in `errors` (none or "*": every kind). */
export interface RetryRule extends Omit<Retry, "retry_on"> {
  errors?: string[];
}

/** A task's `retry` as its ordered rules: the single policy object is one rule for its `retry_on` kinds. */
export function retryRulesOf(retry: Retry | RetryRule[] | null | undefined): RetryRule[] {
  if (!retry) return [];
  if (Array.isArray(retry)) return retry;
  const { retry_on, ...rest } = retry;
  return [{ ...rest, errors: retry_on ?? [] }];
}

export interface Approvers {
  roles?: string[];
  users?: string[];
}

export interface Escalation {
  after?: string;
  to?: Approvers;
}

export interface WaitEvent {
  type?: string;
  correlation?: string | null;
}

export interface Join {
  mode?: "all" | "any" | "quorum";
  quorum?: number | null;
  on_failure?: "fail" | "cancel_others" | "continue";
}

/** A map state's iterator: the flow each item runs (a branch without a name). */
export interface MapIterator {
  initial?: string;
  states: Record<string, State>;
  transitions?: Transition[];
}

export interface Branch {
  name: string;
  initial?: string;
  states: Record<string, State>;
  transitions?: Transition[];
}

/** Every field any state type may carry; `type` decides which ones apply (see stateFields.ts). */
export interface State {
  type: StateType;
  title?: string | null;
  description?: string | null;
  policies?: string[];
  // task
  action?: string;
  agent?: string | null;
  input?: ExpressionMap;
  output?: string | null;
  retry?: Retry | RetryRule[] | null;
  timeout_s?: number | null;
  // approval
  approvers?: Approvers;
  quorum?: number;
  timeout?: string | null;
  escalation?: Escalation | null;
  sla?: string | null;
  request?: ExpressionMap;
  // wait
  duration?: string | null;
  deadline?: string | null;
  event?: WaitEvent | null;
  // parallel
  branches?: Branch[];
  join?: Join;
  // subflow (and map over a subflow)
  workflow?: string | null;
  version?: number | null;
  // map
  items?: string;
  item_key?: string;
  index_key?: string;
  iterator?: MapIterator | null;
  max_concurrency?: number;
  tolerated_failures?: number | null;
  tolerated_failure_percentage?: number | null;
  // final
  outcome?: "success" | "failure";
  result?: ExpressionMap;
}

export interface Transition {
  source: string | string[];
  trigger?: string | null;
  dest: string;
  guard?: string | null;
  /** Only on `error`: the error kinds it catches (none: every kind). */
  errors?: string[];
  priority?: number;
  assign?: ExpressionMap;
  description?: string | null;
  id?: string | null;
}

export interface Position {
  x: number;
  y: number;
}

export interface ExampleEvent {
  event: string;
  payload?: Record<string, unknown>;
  actor?: string | null;
}

export interface Example {
  name: string;
  description?: string | null;
  context?: Record<string, unknown>;
  events?: ExampleEvent[];
  expect_state?: string | null;
}

export interface Workflow {
  $schema?: string;
  id?: string;
  version?: number;
  title?: string;
  description?: string | null;
  sla?: string | null;
  context?: Record<string, unknown>;
  initial?: string;
  states: Record<string, State>;
  transitions: Transition[];
  policies?: unknown[];
  schedules?: unknown[];
  starts_on?: unknown[];
  examples?: Example[];
  layout?: Record<string, Position>;
  [extra: string]: unknown;
}

export const ANY_SOURCE = "*";

/** The concrete source states of a transition, '*' expanded to every non-final state. */
export function transitionSources(transition: Transition, workflow: Workflow): string[] {
  const { source } = transition;
  if (source === ANY_SOURCE) {
    return Object.entries(workflow.states)
      .filter(([, state]) => state.type !== "final")
      .map(([id]) => id);
  }
  return Array.isArray(source) ? source : [source];
}

/** A short label for a transition: its trigger (or "auto") and its guard in brackets. */
export function transitionLabel(transition: Transition): string {
  const trigger = transition.trigger ?? "";
  const guard = transition.guard ? `[${transition.guard}]` : "";
  if (!trigger && !guard) return "auto";
  return [trigger, guard].filter(Boolean).join(" ");
}

export function emptyWorkflow(id: string, title: string): Workflow {
  return {
    id,
    version: 1,
    title,
    context: { type: "object", properties: {} },
    initial: "",
    states: {},
    transitions: [],
    examples: [],
    layout: {},
  };
}
