// The fields that depend on a state's type: task, approval, wait, parallel, subflow, map, final (a choice has
// none of its own — its decisions are its outgoing transitions' guards and priorities).
import ExpressionMapInput from "../../components/fields/ExpressionMapInput";
import JsonInput from "../../components/fields/JsonInput";
import { useId } from "react";
import { CheckboxInput, NameListInput, NumberInput, SelectInput, TextInput } from "../../components/fields/inputs";
import { messagesAt, messagesByKey, pointerOf, type Finding } from "../../model/findings";
import type { Branch, Join, State } from "../../model/workflow";
import { pruneEmpty } from "../../model/edits";
import { freshId } from "../../model/ids";
import { ITERATOR } from "../../model/scope";
import { newState } from "../../model/stateTemplates";
import ActionInputs from "./ActionInputs";
import { ActionPicker, AgentPicker, usePickerCatalog, WorkflowPicker } from "./pickers";
import RetryRulesFields from "./RetryRulesFields";

export interface TypeFieldsProps {
  stateId: string;
  state: State;
  findings: readonly Finding[];
  disabled: boolean;
  change: (state: State, field: string) => void;
  /** Open branch `index` of this (parallel) state on the canvas, or ITERATOR: this map state's iterator. */
  openBranch: (index: number) => void;
}

export default function StateTypeFields(props: TypeFieldsProps) {
  switch (props.state.type) {
    case "task":
      return <TaskFields {...props} />;
    case "approval":
      return <ApprovalFields {...props} />;
    case "wait":
      return <WaitFields {...props} />;
    case "parallel":
      return <ParallelFields {...props} />;
    case "subflow":
      return <SubflowFields {...props} />;
    case "map":
      return <MapFields {...props} />;
    case "final":
      return <FinalFields {...props} />;
    default:
      return <p className="muted">A choice decides by its outgoing transitions: the first guard that holds, highest priority first; an unguarded transition is the default.</p>;
  }
}

function at(props: TypeFieldsProps, ...tokens: (string | number)[]): string[] {
  return messagesAt(props.findings, pointerOf("states", props.stateId, ...tokens), true);
}

function set(props: TypeFieldsProps, field: keyof State, value: unknown) {
  props.change(pruneEmpty({ ...props.state, [field]: value }), field);
}

function TaskFields(props: TypeFieldsProps) {
  const { state, disabled } = props;
  const catalog = usePickerCatalog();
  const applyShape = (input: Record<string, string>, output: string | null, agent: string | null) =>
    props.change(pruneEmpty({ ...state, input, output, agent: state.agent ?? agent }), "action-shape");
  // The action chosen brings the agent that performs it (the one the list names in brackets); an agent chosen
  // before that does not perform it is cleared, one that does is kept.
  const chooseAction = (action: string | null) => {
    const agents = catalog.catalog?.actions.find((a) => a.name === action)?.agents ?? [];
    const kept = state.agent && (agents.length === 0 || agents.includes(state.agent)) ? state.agent : null;
    const agent = kept ?? (agents.length === 1 ? agents[0]! : null);
    props.change(pruneEmpty({ ...state, action: action ?? undefined, agent: agent ?? undefined }), "action");
  };
  // What the chosen action's handler needs, when it was registered with an input schema.
  const inputSchema = catalog.catalog?.actions.find((a) => a.name === state.action)?.input_schema ?? null;
  const inputProblems = messagesByKey(props.findings, pointerOf("states", props.stateId, "input"));
  return (
    <>
      <ActionPicker catalog={catalog} value={state.action} disabled={disabled} problems={at(props, "action")} onChange={chooseAction} onUseShape={applyShape} canUseShape={Object.keys(state.input ?? {}).length === 0 && !state.output} />
      <AgentPicker catalog={catalog} action={state.action} value={state.agent} disabled={disabled} problems={at(props, "agent")} onChange={(v) => set(props, "agent", v)} />
      {state.action && inputSchema && <ActionInputs action={state.action} schema={inputSchema} input={state.input} problemsByKey={inputProblems} disabled={disabled} onAdd={(input) => props.change({ ...state, input }, "add-missing-inputs")} />}
      <ExpressionMapInput label="Input mapping" testId="field-input" value={state.input} disabled={disabled} problems={inputProblems} hint="Each input computed by a CEL expression, e.g. email = context.email." onChange={(v) => set(props, "input", v)} />
      <TextInput label="Output key or path" testId="field-output" monospace value={state.output} disabled={disabled} problems={at(props, "output")} hint="Where the action's result is stored: a context key, or a dotted path such as enrichment.company (only that key is set)." onChange={(v) => set(props, "output", v)} />
      <NumberInput label="Timeout (seconds)" testId="field-timeout_s" value={state.timeout_s} disabled={disabled} problems={at(props, "timeout_s")} onChange={(v) => set(props, "timeout_s", v)} />
      <RetryRulesFields stateId={props.stateId} state={state} findings={props.findings} disabled={disabled} onChange={(rules) => set(props, "retry", rules)} />
    </>
  );
}

function ApprovalFields(props: TypeFieldsProps) {
  const { state, disabled } = props;
  const approvers = state.approvers ?? {};
  const escalation = state.escalation ?? null;
  return (
    <>
      <NameListInput label="Approver roles" testId="field-approvers-roles" value={approvers.roles} disabled={disabled} problems={at(props, "approvers")} onChange={(v) => set(props, "approvers", { ...approvers, roles: v })} />
      <NameListInput label="Approver users" testId="field-approvers-users" value={approvers.users} disabled={disabled} onChange={(v) => set(props, "approvers", { ...approvers, users: v })} />
      <NumberInput label="Quorum (approvals needed)" testId="field-quorum" integer value={state.quorum} disabled={disabled} problems={at(props, "quorum")} onChange={(v) => set(props, "quorum", v)} />
      <TextInput label="Timeout" testId="field-timeout" value={state.timeout} disabled={disabled} problems={at(props, "timeout")} placeholder="PT48H" hint="ISO 8601 duration; fires the timeout transition." onChange={(v) => set(props, "timeout", v)} />
      <TextInput label="SLA" testId="field-sla" value={state.sla} disabled={disabled} problems={at(props, "sla")} placeholder="PT24H" hint="ISO 8601 duration a decision is promised within; a longer timeout is sla-at-risk." onChange={(v) => set(props, "sla", v)} />
      <CheckboxInput label="Escalate when nobody decides" testId="field-escalation-enabled" checked={escalation !== null} disabled={disabled} onChange={(on) => set(props, "escalation", on ? { after: "PT24H", to: { roles: ["admin"] } } : null)} />
      {escalation && (
        <div className="field-group">
          <TextInput label="Escalate after" testId="field-escalation-after" value={escalation.after} disabled={disabled} problems={at(props, "escalation", "after")} placeholder="PT24H" onChange={(v) => set(props, "escalation", { ...escalation, after: v ?? "" })} />
          <NameListInput label="Escalate to roles" testId="field-escalation-roles" value={escalation.to?.roles} disabled={disabled} onChange={(v) => set(props, "escalation", { ...escalation, to: { ...(escalation.to ?? {}), roles: v } })} />
          <NameListInput label="Escalate to users" testId="field-escalation-users" value={escalation.to?.users} disabled={disabled} onChange={(v) => set(props, "escalation", { ...escalation, to: { ...(escalation.to ?? {}), users: v } })} />
        </div>
      )}
      <ExpressionMapInput label="Shown to the approver" testId="field-request" value={state.request} disabled={disabled} problems={messagesByKey(props.findings, pointerOf("states", props.stateId, "request"))} hint="What the approver sees, each entry a CEL expression, e.g. score = lead.score." onChange={(v) => set(props, "request", v)} />
    </>
  );
}

type WaitMode = "duration" | "deadline" | "event";

function WaitFields(props: TypeFieldsProps) {
  const { state, disabled } = props;
  const mode: WaitMode = state.event ? "event" : state.deadline ? "deadline" : "duration";
  const switchTo = (next: WaitMode | null) => {
    const { duration: _d, deadline: _l, event: _e, timeout: _t, output: _o, ...rest } = state;
    const fresh: State = next === "event" ? { ...rest, event: { type: "event_name" } } : next === "deadline" ? { ...rest, deadline: "now" } : { ...rest, duration: "PT1H" };
    props.change(fresh, "wait-mode");
  };
  return (
    <>
      <SelectInput<WaitMode> label="Wait for" testId="field-wait-mode" value={mode} disabled={disabled} options={[{ value: "duration", label: "a duration" }, { value: "deadline", label: "a deadline" }, { value: "event", label: "an event" }]} onChange={switchTo} />
      {mode === "duration" && <TextInput label="Duration" testId="field-duration" value={state.duration} disabled={disabled} problems={at(props, "duration")} placeholder="P3D" hint="ISO 8601 duration, e.g. PT30M, P3D." onChange={(v) => set(props, "duration", v)} />}
      {mode === "deadline" && <TextInput label="Deadline (CEL)" testId="field-deadline" monospace value={state.deadline} disabled={disabled} problems={at(props, "deadline")} hint="A CEL expression giving an RFC 3339 timestamp." onChange={(v) => set(props, "deadline", v)} />}
      {mode === "event" && (
        <>
          <TextInput label="Event type" testId="field-event-type" monospace value={state.event?.type} disabled={disabled} problems={at(props, "event", "type")} onChange={(v) => set(props, "event", { ...state.event, type: v ?? "" })} />
          <TextInput label="Correlation (CEL)" testId="field-event-correlation" monospace value={state.event?.correlation} disabled={disabled} problems={at(props, "event", "correlation")} hint="The key an event's correlation_key must equal, e.g. order.id." onChange={(v) => set(props, "event", pruneEmpty({ ...state.event, correlation: v }))} />
          <TextInput label="Timeout" testId="field-timeout" value={state.timeout} disabled={disabled} problems={at(props, "timeout")} placeholder="P7D" onChange={(v) => set(props, "timeout", v)} />
          <TextInput label="Store the payload under" testId="field-output" monospace value={state.output} disabled={disabled} problems={at(props, "output")} hint="A context key, or a dotted path such as order.payment." onChange={(v) => set(props, "output", v)} />
        </>
      )}
    </>
  );
}

function ParallelFields(props: TypeFieldsProps) {
  const { state, disabled } = props;
  const join: Join = state.join ?? {};
  const branches = state.branches ?? [];
  const branchesId = useId();
  const setJoin = (patch: Partial<Join>) => set(props, "join", pruneEmpty({ ...join, ...patch }));
  return (
    <>
      <SelectInput label="Join: branches that must succeed" testId="field-join-mode" value={join.mode ?? "all"} disabled={disabled} options={[{ value: "all", label: "all" }, { value: "any", label: "any" }, { value: "quorum", label: "a quorum" }]} onChange={(v) => setJoin({ mode: v ?? "all", quorum: v === "quorum" ? (join.quorum ?? 1) : null })} />
      {join.mode === "quorum" && <NumberInput label="Join quorum" testId="field-join-quorum" integer value={join.quorum} disabled={disabled} problems={at(props, "join", "quorum")} onChange={(v) => setJoin({ quorum: v })} />}
      <SelectInput label="When a branch fails" testId="field-join-on_failure" value={join.on_failure ?? "cancel_others"} disabled={disabled} options={[{ value: "cancel_others", label: "cancel the others" }, { value: "fail", label: "fail at once" }, { value: "continue", label: "continue" }]} onChange={(v) => setJoin({ on_failure: v ?? undefined })} />
      <div className="branch-summary" data-testid="branch-summary" role="group" aria-labelledby={branchesId}>
        <div className="branch-summary-title" id={branchesId}>
          Branches <span className="muted">— named here; Open shows one on the canvas</span>
        </div>
        {branches.map((b, index) => (
          <BranchRow key={index} branch={b} index={index} {...props} rename={(name) => set(props, "branches", branches.map((other, i) => (i === index ? { ...other, name } : other)))} />
        ))}
        {!disabled && (
          <button type="button" data-testid="add-branch" onClick={() => set(props, "branches", [...branches, newBranch(branches)])}>
            Add a branch
          </button>
        )}
      </div>
      <JsonInput label="Branches (each a small state machine)" testId="field-branches" shape="array" rows={10} value={branches} disabled={disabled} hint="[{name, initial, states, transitions}] — the same format as the workflow's own states; Open edits one on the canvas." onChange={(v) => set(props, "branches", v as Branch[])} />
      {at(props, "branches").map((p) => (
        <div key={p} className="field-problem" role="alert">
          {p}
        </div>
      ))}
    </>
  );
}

/** One branch of a parallel state: its name, edited here (it used to be reachable only by opening the branch and
 * clicking the empty canvas), what it holds, and Open, which shows it on the canvas. */
function BranchRow(props: TypeFieldsProps & { branch: Branch; index: number; rename: (name: string) => void }) {
  const { branch, index, disabled } = props;
  const id = useId();
  const count = Object.keys(branch.states ?? {}).length;
  const problems = at(props, "branches", index, "name");
  return (
    <div className="branch-row" data-testid={`branch-row-${index}`}>
      <div className="branch-name">
        <input
          id={id}
          className="mono"
          aria-label={`Name of branch ${index + 1}`}
          value={branch.name ?? ""}
          disabled={disabled}
          data-testid={`branch-name-${index}`}
          aria-invalid={problems.length ? true : undefined}
          aria-describedby={`${id}-about`}
          onChange={(e) => props.rename(e.target.value)}
        />
        <span id={`${id}-about`} className="muted small">
          {count} state{count === 1 ? "" : "s"}, starts at <code>{branch.initial}</code>
        </span>
        {problems.map((p) => (
          <div key={p} className="field-problem" role="alert">
            {p}
          </div>
        ))}
      </div>
      <button type="button" data-testid={`open-branch-${branch.name}`} aria-label={`Open branch ${branch.name || index + 1}`} onClick={() => props.openBranch(index)}>
        Open
      </button>
    </div>
  );
}

/** A new branch: the one a new parallel state starts with, under a name no other branch has — in the series the
 * first one starts (branch_a, branch_b, …, branch_z; numbered after that). */
export function newBranch(branches: readonly Branch[]): Branch {
  const template = newState("parallel").branches![0]!;
  return { ...template, name: nextBranchName(new Set(branches.map((b) => b.name))) };
}

export function nextBranchName(taken: ReadonlySet<string>): string {
  for (let i = 0; i < 26; i += 1) {
    const name = `branch_${String.fromCharCode(97 + i)}`;
    if (!taken.has(name)) return name;
  }
  return freshId("branch", new Set(taken));
}

function SubflowFields(props: TypeFieldsProps) {
  const { state, disabled } = props;
  const catalog = usePickerCatalog();
  return (
    <>
      <WorkflowPicker catalog={catalog} value={state.workflow} disabled={disabled} problems={at(props, "workflow")} onChange={(v) => set(props, "workflow", v)} />
      <NumberInput label="Version" testId="field-version" integer value={state.version} disabled={disabled} problems={at(props, "version")} hint="Empty runs the latest published version." onChange={(v) => set(props, "version", v)} />
      <ExpressionMapInput label="Child context" testId="field-input" value={state.input} disabled={disabled} problems={messagesByKey(props.findings, pointerOf("states", props.stateId, "input"))} onChange={(v) => set(props, "input", v)} />
      <TextInput label="Output key or path" testId="field-output" monospace value={state.output} disabled={disabled} problems={at(props, "output")} hint="Where the child's result is stored: a context key, or a dotted path." onChange={(v) => set(props, "output", v)} />
    </>
  );
}

type Tolerance = "none" | "count" | "percentage";
type MapBody = "iterator" | "workflow";

function MapFields(props: TypeFieldsProps) {
  const { state, disabled } = props;
  const catalog = usePickerCatalog();
  const body: MapBody = state.workflow ? "workflow" : "iterator";
  const tolerance: Tolerance = state.tolerated_failure_percentage != null ? "percentage" : state.tolerated_failures != null ? "count" : "none";
  const switchBody = (next: MapBody | null) => {
    const { iterator: _i, workflow: _w, version: _v, ...rest } = state;
    props.change(next === "workflow" ? { ...rest, workflow: "child_workflow" } : { ...rest, iterator: newState("map").iterator }, "map-body");
  };
  const switchTolerance = (next: Tolerance | null) => {
    const { tolerated_failures: _c, tolerated_failure_percentage: _p, ...rest } = state;
    props.change(next === "count" ? { ...rest, tolerated_failures: 1 } : next === "percentage" ? { ...rest, tolerated_failure_percentage: 10 } : rest, "map-tolerance");
  };
  const iterator = state.iterator;
  return (
    <>
      <TextInput label="Items (CEL list)" testId="field-items" monospace value={state.items} disabled={disabled} problems={at(props, "items")} hint="The list to map over, e.g. leads; at most 1,000 items." onChange={(v) => set(props, "items", v)} />
      <NumberInput label="At most at once" testId="field-max_concurrency" integer value={state.max_concurrency} disabled={disabled} problems={at(props, "max_concurrency")} hint="How many items run at the same time (1–100; empty means 10)." onChange={(v) => set(props, "max_concurrency", v)} />
      <SelectInput<Tolerance> label="Failures tolerated" testId="field-tolerance" value={tolerance} disabled={disabled} options={[{ value: "none", label: "none" }, { value: "count", label: "a number of items" }, { value: "percentage", label: "a percentage of items" }]} onChange={switchTolerance} />
      {tolerance === "count" && <NumberInput label="Items that may fail" testId="field-tolerated_failures" integer value={state.tolerated_failures} disabled={disabled} problems={at(props, "tolerated_failures")} onChange={(v) => set(props, "tolerated_failures", v)} />}
      {tolerance === "percentage" && <NumberInput label="Percentage that may fail" testId="field-tolerated_failure_percentage" value={state.tolerated_failure_percentage} disabled={disabled} problems={at(props, "tolerated_failure_percentage")} onChange={(v) => set(props, "tolerated_failure_percentage", v)} />}
      <TextInput label="Results key" testId="field-output" monospace value={state.output} disabled={disabled} problems={at(props, "output")} hint="The context key for the results, one per item in item order." onChange={(v) => set(props, "output", v)} />
      <TextInput label="Item name" testId="field-item_key" monospace value={state.item_key} disabled={disabled} problems={at(props, "item_key")} placeholder="item" onChange={(v) => set(props, "item_key", v)} />
      <SelectInput<MapBody> label="Each item runs" testId="field-map-body" value={body} disabled={disabled} options={[{ value: "iterator", label: "a flow of its own" }, { value: "workflow", label: "another workflow" }]} onChange={switchBody} />
      {body === "workflow" && <WorkflowPicker catalog={catalog} value={state.workflow ?? undefined} disabled={disabled} problems={at(props, "workflow")} onChange={(v) => set(props, "workflow", v)} />}
      <ExpressionMapInput label="Each item's context" testId="field-input" value={state.input} disabled={disabled} problems={messagesByKey(props.findings, pointerOf("states", props.stateId, "input"))} hint="Empty gives {item, index}; or CEL over the context, item and index." onChange={(v) => set(props, "input", v)} />
      {iterator && (
        <div className="branch-summary" data-testid="iterator-summary">
          <div className="branch-row">
            <span>
              <strong>For each item</strong>: {Object.keys(iterator.states ?? {}).length} states, starts at <code>{iterator.initial}</code>
            </span>
            <button type="button" data-testid="open-iterator" onClick={() => props.openBranch(ITERATOR)}>
              Open
            </button>
          </div>
        </div>
      )}
      {messagesAt(props.findings, pointerOf("states", props.stateId)).map((p) => (
        <div key={p} className="field-problem" role="alert">
          {p}
        </div>
      ))}
    </>
  );
}

function FinalFields(props: TypeFieldsProps) {
  const { state, disabled } = props;
  // The outcome is chosen at the top of the inspector (OutcomeChoice), where it cannot be missed.
  return (
    <>
      <ExpressionMapInput label="Result" testId="field-result" value={state.result} disabled={disabled} problems={messagesByKey(props.findings, pointerOf("states", props.stateId, "result"))} onChange={(v) => set(props, "result", v)} />
    </>
  );
}

const OUTCOMES = [
  { value: "success", icon: "●", label: "Success", meaning: "the instance succeeded" },
  { value: "failure", icon: "✖", label: "Failure", meaning: "the instance failed (a chosen end: redrive refuses it)" },
] as const;

/** Words of a state's id or title that name an unhappy end ("rejected", "declined", "payment_failed"). */
const UNHAPPY = /^(reject|declin|fail|error|den(y|ie)|cancel|refus|invalid|abort|expir|timeout|timed|lost|withdr[ae]w|unpaid|unresolved)/;

function unhappyWord(...names: (string | null | undefined)[]): string | null {
  for (const name of names) {
    const words = (name ?? "").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase().split(/[^a-z]+/);
    const found = words.find((word) => UNHAPPY.test(word));
    if (found) return found;
  }
  return null;
}

/** How a final state ends the instance, as two choices side by side: the format's default (success) is shown as
 * chosen, and a state named like an unhappy end ("rejected") that still ends in success says so. */
export function OutcomeChoice({ stateId, state, disabled, onChange }: { stateId: string; state: State; disabled: boolean; onChange: (outcome: "success" | "failure") => void }) {
  const name = useId();
  const outcome = state.outcome ?? "success";
  const unhappy = outcome === "success" ? unhappyWord(stateId, state.title) : null;
  return (
    <fieldset className="field" data-testid="field-outcome" data-outcome={outcome}>
      <legend>Outcome: how an instance that ends here ends</legend>
      {OUTCOMES.map((o) => (
        <label key={o.value} className="row">
          <input type="radio" name={name} value={o.value} checked={outcome === o.value} disabled={disabled} data-testid={`outcome-${o.value}`} onChange={() => onChange(o.value)} />
          <span className={`legend-swatch look-final-${o.value}`} aria-hidden="true">
            {o.icon}
          </span>
          <span>
            <strong>{o.label}</strong> — {o.meaning}
          </span>
        </label>
      ))}
      {unhappy && (
        <div className="field-problem" role="status" data-testid="outcome-warning">
          “{unhappy}” sounds like an unhappy end, yet this state ends the instance as a success (the format’s default). Choose Failure if instances that end here did not succeed.
        </div>
      )}
    </fieldset>
  );
}
