// A published workflow: its diagram at any version, its version history with a visual diff, and the
// commands to edit it as a draft, start an instance and export the diagram.
import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useMemo, useState } from "react";
import { definitionDiagram, playPath, versionPaths } from "../api/checks";
import type { PathReport, SimulationResult } from "../api/types";
import { createDraftFromVersion, getVersion, listVersions } from "../api/definitions";
import { startInstance } from "../api/instances";
import { navigate, useLocation } from "../app/router";
import { useSession } from "../auth/session";
import ExportMenu from "../components/ExportMenu";
import GeneratedTestsButton from "../components/GeneratedTestsButton";
import InteropExport from "../components/InteropExport";
import ReviewPackButton from "../components/ReviewPackButton";
import JsonInput from "../components/fields/JsonInput";
import { formatTime } from "../components/format";
import Notice from "../components/Notice";
import Toast from "../components/Toast";
import { useAsync } from "../components/useAsync";
import FlowCanvas from "../editor/canvas/FlowCanvas";
import Legend from "../editor/Legend";
import { NO_MARKS } from "../editor/marks";
import { selectedPathMarks, type PathColour } from "../editor/pathHeat";
import { pathMarks } from "../editor/pathMarks";
import type { Playing } from "../editor/pathPlayback";
import PathsPanel from "../editor/PathsPanel";
import SimulatorPanel from "../editor/SimulatorPanel";
import { NOTHING, type Selection } from "../editor/selection";
import VersionDiff from "./VersionDiff";
import { contextSkeleton, missingRequired } from "./contextSkeleton";
import { useSuggestedLayout } from "../editor/useSuggestedLayout";

type Tab = "diagram" | "versions";

/** A version's day (the time is its option's tooltip): the toolbar keeps room for its commands in one row. */
function formatDay(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleDateString(undefined, { dateStyle: "medium" });
}

export default function DefinitionPage({ workflowId }: { workflowId: string }) {
  const { can } = useSession();
  const { search } = useLocation();
  const requested = Number(search.get("version")) || null;
  const published = search.get("published");
  const [publishedSeen, setPublishedSeen] = useState(false);
  const versions = useAsync(() => listVersions(workflowId), [workflowId]);
  const latest = versions.data?.items[0]?.version ?? null;
  const shown = requested ?? latest;
  const detail = useAsync(() => (shown ? getVersion(workflowId, shown) : Promise.resolve(null)), [workflowId, shown]);
  const [tab, setTab] = useState<Tab>("diagram");
  const [selection, setSelection] = useState<Selection>(NOTHING);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const suggested = useSuggestedLayout(detail.data?.definition ?? null);
  const [path, setPath] = useState<PathReport | null>(null);
  const [colour, setColour] = useState<PathColour>("time");
  // A path played in the simulator is drawn as the simulation walks it; else the selected path, if any.
  const [playing, setPlaying] = useState<Playing | null>(null);
  const [simulation, setSimulation] = useState<SimulationResult | null>(null);
  const definitionShown = detail.data?.definition;
  const marks = useMemo(() => {
    if (playing && simulation && definitionShown) return pathMarks(definitionShown, simulation.steps, simulation.state);
    return path ? selectedPathMarks(path, colour) : NO_MARKS;
  }, [path, colour, playing, simulation, definitionShown]);
  const play = async (chosen: PathReport) => {
    if (shown === null) return;
    try {
      setPlaying({ script: await playPath({ workflow_id: workflowId, version: shown }, chosen), number: chosen.number });
    } catch (e) {
      setError(`Path #${chosen.number} cannot be played: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const stopPlaying = useCallback(() => {
    setPlaying(null);
    setSimulation(null);
  }, []);

  const edit = async () => {
    try {
      const draft = await createDraftFromVersion(workflowId, shown ?? undefined);
      navigate(`/drafts/${encodeURIComponent(draft.id)}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  if (versions.error) return <div className="page"><Notice kind="error">{versions.error}</Notice></div>;
  const definition = detail.data?.definition;
  return (
    <div className="definition-page" data-testid="definition-page">
      <div className="toolbar" role="toolbar" aria-label="Workflow commands">
        <h1 className="toolbar-title">
          {definition?.title ?? workflowId} <code className="muted">{workflowId}</code>
        </h1>
        <label className="inline-label">
          Version{" "}
          <select value={shown ?? ""} onChange={(e) => navigate(`/definitions/${encodeURIComponent(workflowId)}?version=${e.target.value}`)} data-testid="version-select">
            {(versions.data?.items ?? []).map((v) => (
              <option key={v.version} value={v.version} title={`Published ${formatTime(v.published_at)}`}>
                v{v.version} — {formatDay(v.published_at)}
              </option>
            ))}
          </select>
        </label>
        {can("edit_drafts") && (
          <button type="button" onClick={() => void edit()} data-testid="edit-definition">
            Edit as draft
          </button>
        )}
        {can("operate") && (
          <button type="button" className="primary" onClick={() => setStarting((s) => !s)} data-testid="start-instance">
            Start an instance
          </button>
        )}
        <span className="separator" />
        <ExportMenu baseName={`${workflowId}-v${shown ?? ""}`} fetchDiagram={(format) => definitionDiagram(workflowId, { format, version: shown ?? undefined })} />
        {shown !== null && <ReviewPackButton workflowId={workflowId} version={shown} />}
        {shown !== null && <GeneratedTestsButton workflowId={workflowId} version={shown} />}
        {shown !== null && <InteropExport workflowId={workflowId} version={shown} />}
      </div>
      {error && <Notice kind="error" onClose={() => setError(null)}>{error}</Notice>}
      {starting && definition && <StartInstanceForm workflowId={workflowId} version={shown} examples={definition.examples ?? []} schema={definition.context} onError={setError} />}
      <div className="view-tabs" role="tablist" aria-label="View">
        <button type="button" role="tab" aria-selected={tab === "diagram"} onClick={() => setTab("diagram")} data-testid="tab-diagram">
          Diagram
        </button>
        <button type="button" role="tab" aria-selected={tab === "versions"} onClick={() => setTab("versions")} data-testid="tab-versions">
          Versions and differences
        </button>
        <a className="tab-link" href={`/instances?workflow=${encodeURIComponent(workflowId)}`} onClick={(e) => { e.preventDefault(); navigate(`/instances?workflow=${encodeURIComponent(workflowId)}`); }}>
          Instances
        </a>
        {published && !publishedSeen && (
          <Toast testId="published-notice" onDone={() => setPublishedSeen(true)}>
            Version {published} is published.
          </Toast>
        )}
      </div>
      {tab === "diagram" && (
        <div className="definition-body">
          <div className="definition-canvas">
            {detail.error && <Notice kind="error">{detail.error}</Notice>}
            {definition && (
              <ReactFlowProvider>
                <FlowCanvas key={shown ?? 0} workflow={definition} marks={marks} suggestedLayout={suggested} selection={selection} editable={false} onSelect={setSelection} />
              </ReactFlowProvider>
            )}
          </div>
          <aside className="definition-side">
            {definition?.description && <p>{definition.description}</p>}
            <Legend />
            {shown !== null && (
              <PathsPanel
                load={() => versionPaths(workflowId, shown)}
                source={`${workflowId}@${shown}`}
                active={Boolean(definition)}
                selected={path}
                onSelect={setPath}
                colour={colour}
                onColour={setColour}
                onPlay={(p) => void play(p)}
              />
            )}
            {playing && definition && <SimulatorPanel workflow={definition} onResult={setSimulation} playing={playing} onStopPlaying={stopPlaying} />}
          </aside>
        </div>
      )}
      {tab === "versions" && versions.data && <VersionDiff workflowId={workflowId} versions={versions.data.items} />}
    </div>
  );
}

/** Start an instance: with an example's context, or the keys the context schema requires to fill in (contextSkeleton.ts);
 * a context still without one of them is said so at the field, and not sent to be refused. */
function StartInstanceForm({ workflowId, version, examples, schema, onError }: { workflowId: string; version: number | null; examples: { name: string; context?: Record<string, unknown> }[]; schema: unknown; onError: (m: string) => void }) {
  const [context, setContext] = useState<unknown>(() => examples[0]?.context ?? contextSkeleton(schema));
  const [contextProblem, setContextProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const missing = contextProblem === null ? missingRequired(schema, context) : [];
  const start = async () => {
    if (contextProblem || missing.length > 0) return; // the field shows text that is not the context that would be sent
    setBusy(true);
    try {
      const instance = await startInstance(workflowId, (context ?? {}) as Record<string, unknown>, version ?? undefined);
      navigate(`/instances/${encodeURIComponent(instance.id)}`);
    } catch (e) {
      onError(`The instance was not started: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="start-form" data-testid="start-form">
      {examples.length > 0 && (
        <label className="inline-label">
          Context from example{" "}
          <select onChange={(e) => setContext(examples.find((x) => x.name === e.target.value)?.context ?? contextSkeleton(schema))} data-testid="start-example">
            {examples.map((x) => (
              <option key={x.name} value={x.name}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <JsonInput label="Context" testId="start-context" shape="object" rows={4} value={context} onChange={setContext} onProblem={setContextProblem} />
      {missing.length > 0 && (
        <p className="field-problem" role="alert" data-testid="start-context-missing">
          The workflow's context schema requires {missing.map((key) => `'${key}'`).join(", ")}: add {missing.length === 1 ? "it" : "them"} to the context.
        </p>
      )}
      <button type="button" className="primary" disabled={busy || contextProblem !== null || missing.length > 0} onClick={() => void start()} data-testid="start-confirm">
        {busy ? "Starting…" : `Start v${version ?? ""}`}
      </button>
    </div>
  );
}
