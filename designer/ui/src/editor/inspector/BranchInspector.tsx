// With nothing selected inside a parallel state's branch, the inspector edits the branch itself: its name
// and the state it starts in.
import { SelectInput, TextInput } from "../../components/fields/inputs";
import { messagesAt } from "../../model/findings";
import type { Workflow } from "../../model/workflow";
import type { InspectorContext } from "./types";

export default function BranchInspector({ ctx }: { ctx: InspectorContext }) {
  const { workflow, findings, editable, commit } = ctx;
  const disabled = !editable;
  const set = (field: "name" | "initial", value: string) => commit({ ...workflow, [field]: value } as Workflow, `branch:${field}`);
  const count = Object.keys(workflow.states).length;
  if (ctx.inIterator) {
    return (
      <section className="inspector-section" data-testid="branch-inspector" aria-label="For each item">
        <h2>For each item</h2>
        <p className="muted">
          {count} state{count === 1 ? "" : "s"}. Each item of the map runs this flow on its own, seeing its item and index; it is done when it reaches a final state, whose result is the item's entry in the results.
        </p>
        <SelectInput label="Initial state" testId="field-initial" value={workflow.initial} allowEmpty="(none)" options={Object.keys(workflow.states).map((id) => ({ value: id, label: id }))} disabled={disabled} problems={messagesAt(findings, "/initial")} onChange={(v) => set("initial", v ?? "")} />
      </section>
    );
  }
  return (
    <section className="inspector-section" data-testid="branch-inspector" aria-label="Branch">
      <h2>
        Branch <code>{String(workflow.name ?? "")}</code>
      </h2>
      <p className="muted">
        {count} state{count === 1 ? "" : "s"}, {workflow.transitions.length} transition{workflow.transitions.length === 1 ? "" : "s"}. The branch runs alongside its siblings; it is done when it reaches a final state.
      </p>
      <TextInput label="Name" testId="field-branch-name" monospace value={String(workflow.name ?? "")} disabled={disabled} problems={messagesAt(findings, "/name")} onChange={(v) => set("name", v ?? "")} />
      <SelectInput label="Initial state" testId="field-initial" value={workflow.initial} allowEmpty="(none)" options={Object.keys(workflow.states).map((id) => ({ value: id, label: id }))} disabled={disabled} problems={messagesAt(findings, "/initial")} onChange={(v) => set("initial", v ?? "")} />
    </section>
  );
}
