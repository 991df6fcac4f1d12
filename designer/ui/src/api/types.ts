// The shapes the API serves, as the UI reads them: aliases onto the types generated from the served OpenAPI
// document (openapi.gen.ts, built by `npm run api-types` from openapi.json; see designer/openapi_document.py).
// Where the document declares a free-form object (an effect, a tool call, an agent's approval request), the UI's
// reading of it is written here, marked as such; everything else comes from the server's models.
import type { Finding } from "../model/findings";
import type { Workflow } from "../model/workflow";
import type { components } from "./openapi.gen";

type Schemas = components["schemas"];
/** `T` with the named fields optional: a request body's fields that the server defaults. */
type Defaulted<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

export type Me = Schemas["MeRead"];
export type Permission = Me["permissions"][number];

/** A page of a listing; every `Page_…_` of the document has this shape. */
export interface Page<T> extends Omit<Schemas["Page_InstanceSummary_"], "items"> {
  items: T[];
}

export type DefinitionSummary = Schemas["DefinitionSummary"];
export type VersionSummary = Schemas["VersionSummary"];
/** The document says `definition` is an object; it is a workflow the server has validated. */
export type VersionDetail = Omit<Schemas["VersionDetail"], "definition"> & { definition: Workflow };

export type StateChange = Schemas["StateChange"];
export type TransitionDiffEntry = Schemas["TransitionRef"];
export type TransitionChange = Schemas["TransitionChange"];
export type Diff = Schemas["DefinitionDiff"];

export type DraftSummary = Schemas["DraftSummary"];
export type EventResult = Defaulted<Schemas["EventResult"], "unmatched">;
export type Draft = Schemas["DraftRead"];

/** `Finding` is the editor's (model/findings.ts), checked against the served one below. */
export type ValidationReport = Omit<Schemas["ValidationReport"], "findings"> & { findings: Finding[] };

export type LayoutBox = Schemas["LayoutBox"];
export type Layout = Schemas["LayoutRead"];
export type CanvasGraph = Defaulted<Schemas["CanvasGraphBody"], "direction" | "edges">;
export type CanvasLayout = Schemas["CanvasLayoutRead"];

export type DiagramFormat = "svg" | "png" | "pdf" | "dot" | "mermaid";

export type SimulationEvent = Defaulted<Schemas["SimulatedEvent"], "actor" | "payload">;
export type GuardValue = Schemas["GuardValue"];

/** The UI's reading of an effect (free-form in the document): what the engine decided to do in a step. */
export interface Effect {
  type: string;
  [detail: string]: unknown;
}

export type InstanceStatus = Schemas["InstanceStatus"];
export type SimulationStep = Omit<Schemas["SimulationStep"], "effects"> & { effects: Effect[] };
export type SimulationResult = Omit<Schemas["SimulationResult"], "steps"> & { steps: SimulationStep[] };

export type ApprovalSummary = Schemas["ApprovalSummary"];

/** The UI's reading of one tool call (free-form in the document): the tool, its parameters, what came back. */
export interface ToolStep {
  action: string;
  parameters: Record<string, unknown>;
  result?: unknown;
  error?: unknown;
  timestamp?: string;
  step_id?: string;
}

/** The UI's reading of a recorded error (free-form in the document): a kind and a message, maybe more. */
export interface ActionError {
  kind?: string;
  message?: string;
  [detail: string]: unknown;
}

export type ActionAttempt = Omit<Schemas["ActionAttemptRead"], "steps" | "error"> & {
  steps: ToolStep[];
  error: ActionError | null;
};

export type HistoryEntry = Omit<Schemas["HistoryEntryRead"], "attempts" | "guards"> & {
  attempts: ActionAttempt[];
  guards: GuardValue[];
};

/** The UI's reading of the request of an approval of kind `agent` (free-form in the document). */
export interface AgentApprovalRequest {
  agent: string;
  agent_name: string;
  agent_version: string;
  action: string;
  input: unknown;
  reason: string;
}

export type Decision = Schemas["DecisionRead"];
export type InstanceSummary = Schemas["InstanceSummary"];
export type MapItems = Schemas["MapItemsRead"];
export type MapItem = Schemas["MapItemRead"];
export type ApprovalDetail = Omit<Schemas["ApprovalDetail"], "history"> & { history: HistoryEntry[] };
export type Timer = Schemas["TimerRead"];
export type InstanceDetail = Schemas["InstanceDetail"];

export type PathStep = Schemas["StepReport"];
export type PathReport = Schemas["PathReport"];
export type PathsReport = Schemas["PathsReport"];
/** Seconds and dollars from least to most; null worst: no declared limit (time) or unknown (cost). */
export type PathFigures = Pick<
  PathReport,
  "best_s" | "worst_s" | "expected_s" | "cost_best" | "cost_worst" | "cost_expected"
>;

/** One event of a path's script: sent while the flow waits in `state`; afterwards it has entered `expect`. */
export type PathCue = Schemas["Cue"];
/** How to play one path in the simulator (POST /api/simulate/path), checked there once by the server. */
export type PathPlay = Schemas["PathPlay"];

// The editor's Finding must stay what the server sends: each assignable to the other.
type Served = Schemas["Finding"];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const findingMatchesServed: Same<Required<Finding>, Required<Served>> = true;
