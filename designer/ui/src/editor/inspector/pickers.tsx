// Pick, don't type: the action, agent and subflow fields choose from what the server has — the registered
// action handlers (with the input and output the deployed flows give them), the deployed agents with their
// policies, the deployed workflows. Where the server knows no handlers, the action is typed as before. While the
// lists cannot be loaded (the server unreachable, restarting), the field is typed too, says why, and the lists
// are asked for again by themselves — every few seconds, when the window gets the focus back or the browser is
// online again, and when the field is entered — so the picker comes back once the server answers.
import { useEffect, useState, useSyncExternalStore } from "react";
import { catalogState, requestCatalog, subscribeCatalog, type ActionEntry, type ActionUse, type AgentEntry, type CatalogState } from "../../api/catalog";
import { SelectInput, TextInput } from "../../components/fields/inputs";

const RETRY_MS = 5000;

/** The catalog's state for the pickers, loaded on first use and asked for again while it cannot be had. */
export function usePickerCatalog(): CatalogState {
  const current = useSyncExternalStore(subscribeCatalog, catalogState);
  useEffect(() => {
    void requestCatalog();
  }, []);
  const failed = current.error !== null && current.catalog === null;
  useEffect(() => {
    if (!failed) return;
    const again = () => void requestCatalog();
    const every = window.setInterval(again, RETRY_MS);
    window.addEventListener("focus", again);
    window.addEventListener("online", again);
    return () => {
      window.clearInterval(every);
      window.removeEventListener("focus", again);
      window.removeEventListener("online", again);
    };
  }, [failed]);
  return current;
}

/** Entering a field typed by hand asks for the lists again: not loaded yet, failed, or empty when last asked. */
const askAgain = () => void requestCatalog(catalogState().catalog !== null);

/** Under a picker typed by hand because its list is not here: loading, or why it cannot be had, with a retry. */
function Unlisted({ what, state }: { what: string; state: CatalogState }) {
  if (state.catalog) return null;
  if (state.error === null) {
    return (
      <p className="field-hint" data-testid="catalog-loading">
        Loading the {what}…
      </p>
    );
  }
  return (
    <div className="field-hint catalog-unavailable" role="status" data-testid="catalog-unavailable">
      The {what} cannot be loaded: {state.error} Type the name meanwhile; the list comes back by itself once the server answers.{" "}
      <button type="button" className="link" disabled={state.loading} onClick={() => void requestCatalog()} data-testid="catalog-retry">
        {state.loading ? "Trying…" : "Try again now"}
      </button>
    </div>
  );
}

interface PickerProps {
  value: string | null | undefined;
  disabled: boolean;
  problems: readonly string[];
  onChange: (value: string | null) => void;
}

/** A deployed task running the action: `flow › state` in words, `flow/state` as the option's value. */
const useName = (use: ActionUse) => `${use.workflow_id} › ${use.state}`;
const useKey = (use: ActionUse) => `${use.workflow_id}/${use.state}`;

function describeShape(entry: ActionEntry, use: ActionUse | undefined): string {
  if (!use) return entry.input_schema ? "Registered with an input schema: the inputs it takes are listed below." : "Registered; no deployed flow runs it yet, so its input is not known here.";
  const input = Object.keys(use.input);
  const others = entry.uses.length > 1 ? ` ${entry.uses.length} deployed tasks run it; choose whose shape to copy below.` : "";
  return `As ${useName(use)} runs it: input ${input.length ? input.join(", ") : "none"}; result stored under ${use.output ?? "nothing"}.${others}`;
}

export function ActionPicker(props: PickerProps & { catalog: CatalogState; onUseShape: (input: Record<string, string>, output: string | null, agent: string | null) => void; canUseShape: boolean }) {
  const [source, setSource] = useState<string | null>(null);
  const actions = props.catalog.catalog?.actions ?? [];
  if (actions.length === 0) {
    const hint = props.catalog.catalog ? "The server has no registered handlers to choose from: type the handler's name, e.g. extract_lead." : "The handler the host application registered, e.g. extract_lead.";
    return (
      <>
        <TextInput label="Action" testId="field-action" monospace value={props.value} disabled={props.disabled} problems={props.problems} hint={hint} onChange={props.onChange} onFocus={askAgain} />
        <Unlisted what="registered actions and agents" state={props.catalog} />
      </>
    );
  }
  const chosen = actions.find((a) => a.name === props.value);
  const uses = chosen?.uses ?? [];
  // the analyst picks which deployed task's input and output to copy when several run the action
  const use = uses.find((u) => useKey(u) === source) ?? uses[0];
  return (
    <>
      <SelectInput
        label="Action"
        testId="field-action"
        value={props.value}
        disabled={props.disabled}
        problems={props.problems}
        allowEmpty="— choose a registered action —"
        options={actions.map((a) => ({ value: a.name, label: a.agents.length ? `${a.name} (${a.agents.join(", ")})` : a.name }))}
        hint={chosen ? describeShape(chosen, use) : `Choose the action this task runs: ${actions.length} registered actions, the agent that performs each in brackets (choosing one fills in its agent).`}
        onChange={(value) => {
          setSource(null);
          props.onChange(value);
        }}
      />
      {use && uses.length > 1 && props.canUseShape && !props.disabled && (
        <SelectInput
          label="Copy input and output from"
          testId="action-shape-source"
          value={useKey(use)}
          options={uses.map((u) => ({ value: useKey(u), label: `${useName(u)} — input ${Object.keys(u.input).join(", ") || "none"}, result in ${u.output ?? "nothing"}` }))}
          hint="The deployed tasks that run this action; their input mappings and output keys differ."
          onChange={setSource}
        />
      )}
      {chosen && use && props.canUseShape && !props.disabled && (
        <button type="button" className="link" data-testid="use-action-shape" onClick={() => props.onUseShape(use.input, use.output, chosen.agents.length === 1 ? chosen.agents[0]! : null)}>
          Fill input and output as {use.workflow_id} does
        </button>
      )}
    </>
  );
}

function policySummary(agent: AgentEntry): string {
  const p = agent.policies;
  const parts = [
    p.approval_required ? `a person approves each action${p.approvers?.roles?.length ? ` (${p.approvers.roles.join(", ")})` : ""}` : null,
    p.budget_limit != null ? `budget ${p.budget_limit} per task` : null,
    p.timeout_seconds != null ? `timeout ${p.timeout_seconds} s` : null,
  ].filter(Boolean);
  return `${agent.name}, ${agent.level.replace("_", " ")}${parts.length ? ` — ${parts.join(" · ")}` : ""}.`;
}

export function AgentPicker(props: PickerProps & { catalog: CatalogState; action: string | null | undefined }) {
  const agents = props.catalog.catalog?.agents ?? [];
  if (agents.length === 0) {
    return <TextInput label="Agent" testId="field-agent" monospace value={props.value} disabled={props.disabled} problems={props.problems} hint="The agent performing the action (optional)." onChange={props.onChange} onFocus={askAgain} />;
  }
  const chosen = agents.find((a) => a.id === props.value);
  const performs = (a: AgentEntry) => Boolean(props.action && a.actions.includes(props.action));
  const ordered = [...agents.filter(performs), ...agents.filter((a) => !performs(a))];
  return (
    <SelectInput
      label="Agent"
      testId="field-agent"
      value={props.value}
      disabled={props.disabled}
      problems={props.problems}
      allowEmpty="— no agent —"
      options={ordered.map((a) => ({ value: a.id, label: `${a.id}${performs(a) ? " ✓ performs this action" : ""}` }))}
      hint={chosen ? policySummary(chosen) : "Optional: the deployed agent performing the action; its policies apply."}
      onChange={props.onChange}
    />
  );
}

export function WorkflowPicker(props: PickerProps & { catalog: CatalogState }) {
  const workflows = props.catalog.catalog?.workflows ?? [];
  if (workflows.length === 0) {
    return (
      <>
        <TextInput label="Workflow" testId="field-workflow" monospace value={props.value} disabled={props.disabled} problems={props.problems} hint="The id of the child workflow." onChange={props.onChange} onFocus={askAgain} />
        <Unlisted what="deployed workflows" state={props.catalog} />
      </>
    );
  }
  const chosen = workflows.find((w) => w.id === props.value);
  return (
    <SelectInput
      label="Workflow"
      testId="field-workflow"
      value={props.value}
      disabled={props.disabled}
      problems={props.problems}
      allowEmpty="— choose a deployed workflow —"
      options={workflows.map((w) => ({ value: w.id, label: `${w.title} (${w.id}, v${w.latest_version})` }))}
      hint={chosen ? `Its context needs: ${chosen.required_context.join(", ") || "nothing"}.` : "The child workflow, one of the deployed ones."}
      onChange={props.onChange}
    />
  );
}
