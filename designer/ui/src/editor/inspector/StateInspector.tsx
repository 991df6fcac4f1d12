// The inspector for one state: its id, label, type, the fields of its type, and its transitions.
import { useEffect, useId, useState } from "react";
import Field from "../../components/fields/Field";
import { NameListInput, SelectInput, TextArea, TextInput } from "../../components/fields/inputs";
import { addTransition, pruneEmpty, setInitial, updateState } from "../../model/edits";
import { messagesAt, pointerOf } from "../../model/findings";
import { identifierProblem } from "../../model/ids";
import { newState } from "../../model/stateTemplates";
import { STATE_TYPES, transitionLabel, transitionSources, type State, type StateType } from "../../model/workflow";
import StateTypeFields, { OutcomeChoice } from "./StateTypeFields";
import type { InspectorContext } from "./types";

export default function StateInspector({ ctx, stateId }: { ctx: InspectorContext; stateId: string }) {
  const { workflow, findings, editable, commit, select } = ctx;
  const state = workflow.states[stateId];
  if (!state) return null;
  const disabled = !editable;
  const change = (next: State, field: string) => commit(updateState(workflow, stateId, next), `state:${stateId}:${field}`);
  const setField = (field: keyof State, value: unknown) => change(pruneEmpty({ ...state, [field]: value }), field);
  const changeType = (type: StateType | null) => {
    if (!type || type === state.type) return;
    const keep = pruneEmpty({ title: state.title, description: state.description, policies: state.policies });
    commit(updateState(workflow, stateId, { ...newState(type), ...keep }), undefined);
  };
  const outgoing = workflow.transitions
    .map((t, index) => ({ t, index }))
    .filter(({ t }) => transitionSources(t, workflow).includes(stateId));
  const incoming = workflow.transitions.filter((t) => t.dest === stateId).length;

  return (
    <section className="inspector-section" data-testid="state-inspector" aria-label={`State ${stateId}`}>
      <h2>
        State <code>{stateId}</code>
      </h2>
      {/* The whole title, wrapped: the canvas shows four lines of it at most, the field below one. */}
      {state.title && (
        <p className="inspector-full-title" data-testid="state-full-title">
          {state.title}
        </p>
      )}
      <StateIdField key={stateId} stateId={stateId} taken={workflow.states} disabled={disabled} onRename={(to) => ctx.renameState(stateId, to)} />
      {state.type === "final" && <OutcomeChoice stateId={stateId} state={state} disabled={disabled} onChange={(outcome) => setField("outcome", outcome)} />}
      <SelectInput<StateType> label="Type" testId="field-type" value={state.type} disabled={disabled} options={STATE_TYPES.map((t) => ({ value: t, label: t }))} hint="Changing the type keeps the title and description only." onChange={changeType} />
      <TextInput label="Title" testId="field-title" value={state.title} disabled={disabled} problems={messagesAt(findings, pointerOf("states", stateId, "title"))} hint="A short label shown on the diagram." onChange={(v) => setField("title", v)} />
      <TextArea label="Description" testId="field-description" value={state.description} disabled={disabled} onChange={(v) => setField("description", v)} />
      <div className="field field-inline">
        {workflow.initial === stateId ? (
          <span className="pill" data-testid="initial-marker">Initial state — instances start here</span>
        ) : (
          <button type="button" disabled={disabled} data-testid="make-initial" onClick={() => commit(setInitial(workflow, stateId))}>
            Make this the initial state
          </button>
        )}
      </div>
      <StateTypeFields stateId={stateId} state={state} findings={findings} disabled={disabled} change={change} openBranch={(index) => ctx.openBranch(stateId, index)} />
      <NameListInput label="Policies checked on entry" testId="field-policies" value={state.policies} disabled={disabled} problems={messagesAt(findings, pointerOf("states", stateId, "policies"), true)} onChange={(v) => setField("policies", v)} />
      <h3>Transitions out ({outgoing.length})</h3>
      {outgoing.length === 0 && state.type !== "final" && <p className="muted">None yet: drag from the handle at the bottom of the state to another state, or add one here.</p>}
      <ul className="link-list">
        {outgoing.map(({ t, index }) => (
          <li key={index}>
            <button type="button" className="link" data-testid={`select-transition-${index}`} onClick={() => select({ states: [], transitions: [index] })}>
              {transitionLabel(t)} → {t.dest}
            </button>
          </li>
        ))}
      </ul>
      <p className="muted">{incoming} transition{incoming === 1 ? "" : "s"} in.</p>
      {editable && state.type !== "final" && <AddTransition ctx={ctx} stateId={stateId} />}
    </section>
  );
}

function StateIdField({ stateId, taken, disabled, onRename }: { stateId: string; taken: Record<string, unknown>; disabled: boolean; onRename: (to: string) => void }) {
  const id = useId();
  const [text, setText] = useState(stateId);
  useEffect(() => setText(stateId), [stateId]);
  const problem = text === stateId ? null : identifierProblem(text) ?? (text in taken ? `'${text}' is already a state.` : null);
  const apply = () => {
    if (text !== stateId && problem === null) onRename(text);
    else setText(stateId);
  };
  return (
    <Field id={id} label="Id" hint={`Renaming updates everything that names it: transitions, start, policies, examples, layout, and "${stateId}" written in quotes in expressions.`} problems={problem ? [problem] : []}>
      <input id={id} className="mono" value={text} disabled={disabled} data-testid="field-id" onChange={(e) => setText(e.target.value)} onBlur={apply} onKeyDown={(e) => e.key === "Enter" && apply()} />
    </Field>
  );
}

function AddTransition({ ctx, stateId }: { ctx: InspectorContext; stateId: string }) {
  const id = useId();
  const targets = Object.keys(ctx.workflow.states);
  const [picked, setPicked] = useState(targets.find((t) => t !== stateId) ?? stateId);
  // The state picked may be gone since (undone, renamed in the JSON view): then the list shows another one,
  // and that one is what Add must use — never a state that no longer exists.
  const dest = targets.includes(picked) ? picked : (targets.find((t) => t !== stateId) ?? stateId);
  return (
    <div className="field add-transition">
      <label htmlFor={id}>New transition to</label>
      <div className="row">
        <select id={id} value={dest} data-testid="new-transition-dest" onChange={(e) => setPicked(e.target.value)}>
          {targets.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <button
          type="button"
          data-testid="add-transition"
          onClick={() => {
            const [next, index] = addTransition(ctx.workflow, stateId, dest);
            ctx.commit(next, undefined, { states: [], transitions: [index] });
          }}
        >
          Add
        </button>
      </div>
    </div>
  );
}
