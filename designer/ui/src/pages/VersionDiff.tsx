// Two versions side by side in one diagram: added, removed and changed states and transitions coloured.
import { ReactFlowProvider } from "@xyflow/react";
import { useState } from "react";
import { diffVersions, getVersion } from "../api/definitions";
import { useSuggestedLayout } from "../editor/useSuggestedLayout";
import type { VersionSummary } from "../api/types";
import { formatTime } from "../components/format";
import Notice from "../components/Notice";
import { useAsync } from "../components/useAsync";
import FlowCanvas from "../editor/canvas/FlowCanvas";
import { diffGraph } from "../editor/diffGraph";
import { withRenames } from "../editor/diffRenames";
import Legend from "../editor/Legend";
import { NOTHING, type Selection } from "../editor/selection";

export default function VersionDiff({ workflowId, versions }: { workflowId: string; versions: VersionSummary[] }) {
  const newest = versions[0]?.version ?? 1;
  const [from, setFrom] = useState(versions[1]?.version ?? newest);
  const [to, setTo] = useState(newest);
  const [selection, setSelection] = useState<Selection>(NOTHING);
  const result = useAsync(async () => {
    const [raw, before, after] = await Promise.all([diffVersions(workflowId, from, to), getVersion(workflowId, from), getVersion(workflowId, to)]);
    // A rename is told as one (the publish dialog's rule): not a state removed and another added, nor the
    // transitions that only followed the new id; the renamed state is marked changed on the canvas.
    const diff = withRenames(raw, raw.states.renamed ?? {});
    const graph = diffGraph(before.definition, after.definition, diff);
    const states = new Map(graph.marks.states);
    for (const [, renamedTo] of diff.renamed) states.set(renamedTo, "changed");
    return { diff, graph: { ...graph, marks: { ...graph.marks, states } } };
  }, [workflowId, from, to]);
  const diff = result.data?.diff;
  const suggested = useSuggestedLayout(result.data?.graph.workflow ?? null);
  return (
    <div className="version-diff" data-testid="version-diff">
      <div className="diff-controls">
        <table className="table compact">
          <thead>
            <tr>
              <th>Version</th>
              <th>Published</th>
              <th>From</th>
              <th>To</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} data-testid={`version-row-${v.version}`}>
                <td>v{v.version}</td>
                <td>{formatTime(v.published_at)}</td>
                <td>
                  <input type="radio" name="diff-from" aria-label={`Compare from v${v.version}`} checked={from === v.version} onChange={() => setFrom(v.version)} />
                </td>
                <td>
                  <input type="radio" name="diff-to" aria-label={`Compare to v${v.version}`} checked={to === v.version} onChange={() => setTo(v.version)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {result.error && <Notice kind="error">{result.error}</Notice>}
        {diff && (
          <div className="diff-summary" data-testid="diff-summary">
            <h3>
              v{diff.from_version} → v{diff.to_version}
            </h3>
            {diff.renamed.length > 0 && (
              <div className="diff-list diff-changed" data-testid="diff-renamed">
                <strong>States renamed:</strong> {diff.renamed.map(([old, renamedTo]) => `${old} → ${renamedTo}`).join(", ")}
              </div>
            )}
            <DiffList label="States added" items={diff.states.added} kind="added" />
            <DiffList label="States removed" items={diff.states.removed} kind="removed" />
            <DiffList label="States changed" items={diff.states.changed.map((c) => `${c.id} (${c.fields.join(", ")})`)} kind="changed" />
            <DiffList label="Transitions added" items={diff.transitions.added.map((t) => t.key)} kind="added" />
            <DiffList label="Transitions removed" items={diff.transitions.removed.map((t) => t.key)} kind="removed" />
            <DiffList label="Transitions changed" items={diff.transitions.changed.map((t) => `${t.key} (${t.fields.join(", ")})`)} kind="changed" />
            {diff.fields.length > 0 && <p>Workflow fields changed: {diff.fields.join(", ")}</p>}
          </div>
        )}
        <Legend extra={[{ className: "swatch-added", label: "added" }, { className: "swatch-removed", label: "removed" }, { className: "swatch-changed", label: "changed" }]} />
      </div>
      <div className="diff-canvas">
        {result.data && (
          <ReactFlowProvider>
            <FlowCanvas key={`${from}-${to}`} testId="diff-canvas" workflow={result.data.graph.workflow} suggestedLayout={suggested} marks={result.data.graph.marks} selection={selection} editable={false} onSelect={setSelection} />
          </ReactFlowProvider>
        )}
      </div>
    </div>
  );
}

function DiffList({ label, items, kind }: { label: string; items: string[]; kind: string }) {
  if (items.length === 0) return null;
  return (
    <div className={`diff-list diff-${kind}`}>
      <strong>{label}:</strong> {items.join(", ")}
    </div>
  );
}
