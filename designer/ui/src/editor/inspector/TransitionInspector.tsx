// The inspector for one transition: where it goes, what fires it, its guard (checked live by the server's
// validation), its priority and the context assignments it makes.
import ExpressionMapInput from "../../components/fields/ExpressionMapInput";
import { NameListInput, NumberInput, SelectInput, TextArea, TextInput } from "../../components/fields/inputs";
import { pruneEmpty, updateTransition } from "../../model/edits";
import { messagesAt, messagesByKey, pointerOf } from "../../model/findings";
import { ANY_SOURCE, type Transition, type Workflow } from "../../model/workflow";
import type { InspectorContext } from "./types";

const TRIGGERS_BY_TYPE: Record<string, string[]> = {
  task: ["done", "error"],
  approval: ["approve", "reject", "timeout"],
  wait: ["done", "timeout"],
  parallel: ["done", "error"],
  subflow: ["done", "error"],
  map: ["done", "error"],
  choice: [],
};

export default function TransitionInspector({ ctx, index }: { ctx: InspectorContext; index: number }) {
  const { workflow, findings, editable, validating, commit } = ctx;
  const t = workflow.transitions[index];
  if (!t) return null;
  const disabled = !editable;
  const base = pointerOf("transitions", index);
  const set = (field: keyof Transition, value: unknown) =>
    commit(updateTransition(workflow, index, pruneEmpty({ ...t, [field]: value }) as Transition), `transition:${index}:${field}`);
  const stateOptions = Object.keys(workflow.states).map((id) => ({ value: id, label: id }));
  const guardProblems = messagesAt(findings, `${base}/guard`, true);
  const guardErrors = findings.filter((f) => f.severity === "error" && f.pointer.startsWith(`${base}/guard`)).length;
  const sourceText = Array.isArray(t.source) ? t.source.join(", ") : t.source;
  const listId = `triggers-${index}`;

  return (
    <section className="inspector-section" data-testid="transition-inspector" aria-label={`Transition ${index + 1}`}>
      <h2>Transition {index + 1}</h2>
      <TextInput
        label="From"
        testId="field-source"
        monospace
        value={sourceText}
        disabled={disabled}
        problems={messagesAt(findings, `${base}/source`, true)}
        hint="A state id, several separated by commas, or * for any non-final state."
        onChange={(v) => set("source", parseSource(v ?? ""))}
      />
      <SelectInput label="To" testId="field-dest" value={t.dest} options={stateOptions} disabled={disabled} problems={messagesAt(findings, `${base}/dest`)} onChange={(v) => v && set("dest", v)} />
      <TextInput
        label="Trigger (event)"
        testId="field-trigger"
        monospace
        list={listId}
        value={t.trigger}
        disabled={disabled}
        problems={messagesAt(findings, `${base}/trigger`)}
        hint="Empty means automatic (a choice, or a guarded move)."
        onChange={(v) => set("trigger", v)}
      />
      <datalist id={listId}>
        {suggestedTriggers(t, workflow).map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <TextArea
        label="Guard (CEL)"
        testId="field-guard"
        monospace
        rows={2}
        value={t.guard}
        disabled={disabled}
        problems={guardProblems}
        placeholder="lead.score >= 70"
        hint="A condition over the context that must hold for the transition to fire."
        onChange={(v) => set("guard", v)}
      />
      {t.guard && (
        <div className={`guard-status ${validating ? "pending" : guardErrors ? "bad" : "good"}`} data-testid="guard-status" aria-live="polite">
          {validating
            ? "Checking the expression…"
            : guardErrors
              ? "The guard is not valid (see above)."
              : guardProblems.length
                ? "The guard is valid CEL (see the warning above)."
                : "The guard is valid CEL."}
        </div>
      )}
      {t.trigger === "error" && (
        <NameListInput label="Catch error kinds" testId="field-errors" value={t.errors} disabled={disabled} problems={messagesAt(findings, `${base}/errors`, true)} hint="Only failures of these kinds take this transition, e.g. timeout, validation; empty catches every kind (give it a lower priority than the limited ones)." onChange={(v) => set("errors", v)} />
      )}
      <NumberInput label="Priority" testId="field-priority" integer value={t.priority} disabled={disabled} problems={messagesAt(findings, `${base}/priority`)} hint="Higher is tried first among transitions with the same source and trigger." onChange={(v) => set("priority", v === 0 ? null : v)} />
      <ExpressionMapInput label="Assignments" testId="field-assign" value={t.assign} disabled={disabled} problems={messagesByKey(findings, `${base}/assign`)} hint="Context updates when it fires, each a CEL expression." onChange={(v) => set("assign", v)} />
      <TextArea label="Description" testId="field-transition-description" value={t.description} disabled={disabled} onChange={(v) => set("description", v)} />
      <TextInput label="Stable id (optional)" testId="field-transition-id" monospace value={t.id} disabled={disabled} problems={messagesAt(findings, `${base}/id`)} onChange={(v) => set("id", v)} />
    </section>
  );
}

function parseSource(text: string): string | string[] {
  const names = text.split(",").map((s) => s.trim()).filter(Boolean);
  if (names.length === 1) return names[0]!;
  if (names.length === 0) return "";
  return names.includes(ANY_SOURCE) ? ANY_SOURCE : names;
}

function suggestedTriggers(t: Transition, workflow: Workflow): string[] {
  const sources = Array.isArray(t.source) ? t.source : [t.source];
  const found = new Set<string>();
  for (const s of sources) {
    const state = workflow.states[s];
    for (const name of TRIGGERS_BY_TYPE[state?.type ?? ""] ?? []) found.add(name);
  }
  for (const other of workflow.transitions) if (other.trigger) found.add(other.trigger);
  return [...found];
}
