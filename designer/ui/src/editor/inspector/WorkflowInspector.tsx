// With nothing selected, the inspector edits the workflow itself: id, title, initial state, the context's
// JSON Schema and the examples the simulator offers.
import JsonInput from "../../components/fields/JsonInput";
import { SelectInput, TextArea, TextInput } from "../../components/fields/inputs";
import { messagesAt, messagesWithin, type Finding } from "../../model/findings";
import { placeInWorkflow } from "../../model/findingPlaces";
import type { Example, Workflow } from "../../model/workflow";
import type { InspectorContext } from "./types";

export default function WorkflowInspector({ ctx }: { ctx: InspectorContext }) {
  const { workflow, findings, editable, commit } = ctx;
  const disabled = !editable;
  const set = (field: keyof Workflow, value: unknown) => {
    const next: Workflow = { ...workflow };
    if (value === null || value === undefined) delete next[field];
    else (next as Record<string, unknown>)[field] = value;
    commit(next, `workflow:${field}`);
  };
  const count = Object.keys(workflow.states).length;
  return (
    <section className="inspector-section" data-testid="workflow-inspector" aria-label="Workflow">
      <h2>Workflow</h2>
      <p className="muted">
        {count} state{count === 1 ? "" : "s"}, {workflow.transitions.length} transition{workflow.transitions.length === 1 ? "" : "s"}. Select a state or transition to edit it.
      </p>
      <TextInput label="Id" testId="field-workflow-id" monospace value={workflow.id} disabled problems={messagesAt(findings, "/id")} hint="Fixed when the draft was created." onChange={() => undefined} />
      <TextInput label="Title" testId="field-workflow-title" value={workflow.title} disabled={disabled} problems={messagesAt(findings, "/title")} onChange={(v) => set("title", v ?? "")} />
      <TextArea label="Description" testId="field-workflow-description" value={workflow.description} disabled={disabled} onChange={(v) => set("description", v)} />
      <TextInput label="SLA" testId="field-workflow-sla" value={workflow.sla} disabled={disabled} problems={messagesAt(findings, "/sla")} placeholder="P2D" hint="ISO 8601 duration an instance is promised to end within; the Paths panel and sla-at-risk check it." onChange={(v) => set("sla", v)} />
      <SelectInput label="Initial state" testId="field-initial" value={workflow.initial} allowEmpty="(none)" options={Object.keys(workflow.states).map((id) => ({ value: id, label: id }))} disabled={disabled} problems={messagesAt(findings, "/initial")} onChange={(v) => set("initial", v ?? "")} />
      <JsonInput label="Context (JSON Schema)" testId="field-context-schema" shape="object" rows={8} value={workflow.context ?? { type: "object" }} disabled={disabled} hint="The variables instances carry, as a JSON Schema." onChange={(v) => set("context", v)} />
      {placedMessages(findings, "/context", workflow).map((p) => (
        <div key={p} className="field-problem" role="alert" data-testid="field-context-schema-problem">
          {p}
        </div>
      ))}
      <JsonInput label="Examples" testId="field-examples" shape="array" rows={8} value={workflow.examples ?? []} disabled={disabled} hint='[{"name": "qualified", "context": {…}, "events": [{"event": "done", "payload": {…}}]}] — offered in the simulator.' onChange={(v) => set("examples", v as Example[])} />
      {placedMessages(findings, "/examples", workflow).map((p) => (
        <div key={p} className="field-problem" role="alert" data-testid="field-examples-problem">
          {p}
        </div>
      ))}
    </section>
  );
}

/** The problems anywhere in a field's value, each saying where in it ("Example 'low risk': name — Use letters…"). */
function placedMessages(findings: readonly Finding[], pointer: string, workflow: Workflow): string[] {
  return messagesWithin(findings, pointer).map(({ finding, words }) => {
    const place = finding.pointer === pointer ? null : placeInWorkflow(finding.pointer, workflow);
    return place ? `${place} — ${words}` : words;
  });
}
