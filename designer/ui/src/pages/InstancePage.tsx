// One instance: its path on the diagram, the timeline of its transitions, its context, what it waits for,
// and — where the role allows — sending it an event, cancelling it, or redriving it once it failed.
import { ReactFlowProvider } from "@xyflow/react";
import { useMemo, useState } from "react";
import { definitionDiagram } from "../api/checks";
import { getVersion } from "../api/definitions";
import { cancelInstance, getInstance, sendEvent } from "../api/instances";
import { useLiveChanges } from "../api/live";
import { Link } from "../app/router";
import { useSession } from "../auth/session";
import ExportMenu from "../components/ExportMenu";
import { countOf, formatCost, formatCount, formatTime } from "../components/format";
import Notice from "../components/Notice";
import Toast from "../components/Toast";
import { useAsync } from "../components/useAsync";
import FlowCanvas from "../editor/canvas/FlowCanvas";
import Legend from "../editor/Legend";
import { pathMarks } from "../editor/pathMarks";
import { NOTHING, type Selection } from "../editor/selection";
import { kindLabel } from "./ApprovalRequest";
import MapItems from "./MapItems";
import { mapProgress } from "./MapProgress";
import PathSummary from "./PathSummary";
import { whyItStopped } from "./failureWords";
import { readJsonObject } from "./jsonObjectText";
import PublishEventPanel from "./PublishEventPanel";
import RedrivePanel from "./RedrivePanel";
import Timeline from "./Timeline";
import { HISTORY_PAGE, useHistoryWindow, type HistoryWindow } from "./useHistoryWindow";
import { useSuggestedLayout } from "../editor/useSuggestedLayout";
import JsonTextField from "./JsonTextField";
import { statesToOpenOn } from "./pathInView";

/** Past the diagram's states with one key: the search bar's link to the side (send an event, waiting for). */
const SKIP_TO_SIDE = { targetId: "instance-side", label: "Skip past the diagram" };

const FINISHED = new Set(["succeeded", "failed", "cancelled"]);
const CHILDREN_AWAITED: Record<string, string> = {
  map: "Its items to end (each runs as an instance of its own; see them above).",
  parallel: "Its branches to end.",
  subflow: "Its subflow to end.",
};

export default function InstancePage({ instanceId }: { instanceId: string }) {
  const { can, me } = useSession();
  /** What publishing the awaited event did, once this instance took it. */
  const [published, setPublished] = useState<string | null>(null);
  const instance = useAsync(() => getInstance(instanceId), [instanceId]);
  const history = useHistoryWindow(instanceId, instance.data?.updated_at);
  const version = useAsync(
    () => (instance.data ? getVersion(instance.data.workflow_id, instance.data.version) : Promise.resolve(null)),
    [instance.data?.workflow_id, instance.data?.version],
  );
  useLiveChanges(["instances", "approvals"], instance.reload);
  const [selection, setSelection] = useState<Selection>(NOTHING);
  const [error, setError] = useState<string | null>(null);
  // What an operator did went through: an error an earlier try left on the page is no longer true.
  const operated = () => {
    setError(null);
    instance.reload();
  };
  const definition = version.data?.definition ?? null;
  const data = instance.data;
  const suggested = useSuggestedLayout(definition);
  const finished = data ? FINISHED.has(data.status) : true;
  // A wait state for an event: the event is what it waits for (it is not among the events one may send it).
  const current = definition && data && !finished ? definition.states[data.state] : undefined;
  const awaited = current?.type === "wait" ? current.event ?? null : null;
  // A map, a parallel state or a subflow waits for its children, not for anything sent to the instance itself.
  const children = current ? CHILDREN_AWAITED[current.type] ?? null : null;

  const marks = useMemo(() => {
    if (!definition || !data) return undefined;
    // The transitions loaded, and every move of the whole history (once each) for those not loaded yet.
    return pathMarks(definition, [...history.entries, ...data.moves], finished ? null : data.state);
  }, [definition, data, history.entries, finished]);

  const openOn = useMemo(
    () => (data ? statesToOpenOn(data.path, data.state, definition?.states[data.state]?.type === "final") : undefined),
    [data?.path, data?.state, definition],
  );

  // The history loaded ends with the latest step, where a map's progress is.
  // Why it failed or is stuck, at the top of the page (for a failure the flow handled, from its latest step).
  const stopped = data ? whyItStopped(data, history.entries) : null;

  const progress = definition && data ? mapProgress(definition, data.state, data.status === "running", history.entries) : null;

  if (instance.error) return <div className="page"><Notice kind="error" testId="instance-error">{instance.error}</Notice></div>;
  if (!data) return <div className="page" aria-busy="true">Loading the instance…</div>;

  return (
    <div className="instance-page" data-testid="instance-page" data-status={data.status}>
      <div className="toolbar">
        <h1 className="toolbar-title">
          <Link to={`/definitions/${encodeURIComponent(data.workflow_id)}?version=${data.version}`}>{data.workflow_id}</Link> v{data.version}{" "}
          <code className="muted">{data.id}</code>
        </h1>
        <span className={`status status-${data.status}`} data-testid="instance-status">
          {data.status}
        </span>
        <span>
          {finished ? "ended in" : "in"} <strong className="mono" data-testid="instance-state">{data.state}</strong>
        </span>
        <button type="button" onClick={instance.reload} data-testid="instance-refresh">
          Refresh
        </button>
        <span className="separator" />
        <ExportMenu baseName={`${data.workflow_id}-${data.id}`} fetchDiagram={(format) => definitionDiagram(data.workflow_id, { format, version: data.version, instance: data.id })} />
      </div>
      {error && <Notice kind="error" testId="instance-operation-error" onClose={() => setError(null)}>{error}</Notice>}
      {stopped && (
        <Notice kind="error" testId={stopped.status === "stuck" ? "instance-stuck" : "instance-failure"}>
          This instance {stopped.lead} <strong className="mono">{stopped.state}</strong>
          {stopped.status === "stuck" ? " and waits for an operator" : ""}: {stopped.words}
        </Notice>
      )}
      <div className="instance-body">
        <div className="instance-canvas">
          {version.error && <Notice kind="error">{version.error}</Notice>}
          {definition && (
            <ReactFlowProvider>
              <FlowCanvas testId="instance-canvas" workflow={definition} suggestedLayout={suggested} marks={marks} selection={selection} editable={false} onSelect={setSelection} skipTo={SKIP_TO_SIDE} focusState={data.state} openOn={openOn} />
            </ReactFlowProvider>
          )}
        </div>
        <aside className="instance-side" id={SKIP_TO_SIDE.targetId} tabIndex={-1} aria-label="Send an event, what it waits for, history">
          {/* Over the panel where the event was published, not above the page: it adds no height to the page. */}
          {published && (
            <Toast testId="instance-event-published" className="side-toast" onDone={() => setPublished(null)}>
              {published}
            </Toast>
          )}
          {can("operate") && !finished && (
            <Operate key={`${data.state}-${data.accepted_events.join(",")}`} instanceId={data.id} triggers={data.accepted_events} awaitsEvent={awaited !== null} onDone={operated} onError={setError} />
          )}
          {can("operate") && data.redrivable && <RedrivePanel instanceId={data.id} state={data.state} stateType={definition?.states[data.state]?.type} onDone={operated} onError={setError} />}
          <MapItems instanceId={data.id} updatedAt={data.updated_at} progress={progress} runningIn={data.status === "running" ? data.state : null} />
          <section aria-labelledby="pending-heading">
            <h2 id="pending-heading">Waiting for</h2>
            {data.pending_approvals.length === 0 && data.timers.length === 0 && !awaited && !children && <p className="muted">Nothing.</p>}
            {children && <p data-testid="awaited-children">{children}</p>}
            <ul data-testid="pending-approvals">
              {awaited && (
                <li data-testid="awaited-event">
                  Event <strong className="mono">{awaited.type}</strong>
                  {awaited.correlation ? (
                    <>
                      {" "}whose correlation key equals <code>{awaited.correlation}</code>
                    </>
                  ) : null}{" "}
                  — published to the deployment: with <strong>Publish event…</strong> here, or <code>POST /api/events</code>,{" "}
                  <code>statewright publish {awaited.type}</code>
                  <PublishEventPanel
                    key={`${data.state}-${data.updated_at}`}
                    instanceId={data.id}
                    awaited={awaited}
                    context={data.context}
                    refusedBecause={
                      can("operate")
                        ? null
                        : `Publishing an event takes the role of analyst, publisher or admin; you are signed in as ${(me?.roles ?? []).join(", ") || "no role"}.`
                    }
                    onPublished={(words) => {
                      setPublished(words);
                      operated();
                    }}
                  />
                </li>
              )}
              {data.pending_approvals.map((a) => (
                <li key={a.id}>
                  {a.kind === "policy" ? `Policy ${a.policy_id ?? ""} approval` : kindLabel(a.kind)} in <strong>{a.state}</strong> by {[...a.approvers.roles, ...a.approvers.users].join(", ")} — {a.approvals}/{a.quorum}
                  {a.due_at && `, due ${formatTime(a.due_at)}`}
                </li>
              ))}
              {data.timers.map((t, i) => (
                <li key={i}>
                  Timer <strong>{t.fire}</strong>, due {formatTime(t.due_at)}
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="summary-heading">
            <h2 id="summary-heading">Summary</h2>
            <dl className="facts">
              <dt>Started</dt>
              <dd>
                {formatTime(data.created_at)} by {data.started_by ?? "—"}
              </dd>
              <dt>Updated</dt>
              <dd>{formatTime(data.updated_at)}</dd>
              <dt>Cost</dt>
              <dd>{formatCost(data.cost)}</dd>
              <dt>Path</dt>
              <dd>
                <PathSummary path={data.path} truncated={data.path_truncated} />
              </dd>
            </dl>
          </section>
          <section aria-labelledby="context-heading">
            <h2 id="context-heading">Context</h2>
            <pre className="mono context-json" data-testid="instance-context">
              {JSON.stringify(data.context, null, 2)}
            </pre>
            {data.result != null && (
              <>
                <h3>Result</h3>
                <pre className="mono context-json">{JSON.stringify(data.result, null, 2)}</pre>
              </>
            )}
          </section>
          <Legend extra={[{ className: "swatch-visited", label: "path taken" }, { className: "swatch-current", label: "current state" }]} />
        </aside>
      </div>
      <TimelineSection history={history} />
    </div>
  );
}

type Order = "newest" | "oldest";

/** The instance's transitions, newest first unless asked otherwise: the latest 500 of a long history, and a button
 * for the 500 before them, as many times as there are. */
function TimelineSection({ history }: { history: HistoryWindow }) {
  const [order, setOrder] = useState<Order>("newest");
  const { entries, total, older, loaded } = history;
  const shown = order === "newest" ? [...entries].reverse() : entries;
  const more = older > 0 && (
    <div className="timeline-more">
      <button type="button" onClick={history.loadOlder} disabled={history.loadingOlder} data-testid="timeline-older">
        {history.loadingOlder ? "Loading…" : `Show ${formatCount(Math.min(HISTORY_PAGE, older))} older`}
      </button>{" "}
      <span className="muted small">{countOf(older, "earlier transition")} not shown yet</span>
    </div>
  );
  return (
    <section className="timeline-section" aria-labelledby="timeline-heading" data-testid="timeline-section">
      <div className="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        {loaded && total > 0 && (
          <span className="muted" data-testid="timeline-shown" role="status">
            {older > 0 ? `Showing the latest ${formatCount(entries.length)} of ${countOf(total, "transition")}` : `All ${countOf(total, "transition")}`}
          </span>
        )}
        {entries.length > 1 && (
          <label className="inline-label small">
            Order
            <select value={order} onChange={(e) => setOrder(e.target.value as Order)} data-testid="timeline-order">
              <option value="newest">newest first</option>
              <option value="oldest">oldest first</option>
            </select>
          </label>
        )}
      </div>
      {history.error && <Notice kind="error">{history.error}</Notice>}
      {order === "oldest" && more}
      {loaded && <Timeline entries={shown} />}
      {order === "newest" && more}
    </section>
  );
}

interface OperateProps {
  instanceId: string;
  triggers: string[];
  /** It waits for a published event (not one sent to it): say so where there is nothing to send. */
  awaitsEvent: boolean;
  onDone: () => void;
  onError: (m: string) => void;
}

function Operate({ instanceId, triggers, awaitsEvent, onDone, onError }: OperateProps) {
  const [event, setEvent] = useState(triggers[0] ?? "");
  const [payload, setPayload] = useState("{}");
  const [busy, setBusy] = useState(false);
  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await what();
      onDone();
    } catch (e) {
      onError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  // Read as it is typed: what keeps it from being sent is said at the field, and Send waits.
  const read = readJsonObject(payload, '{"amount": 120}');
  const send = () => {
    if (read.problem === null) void act(() => sendEvent(instanceId, event, read.value));
  };
  return (
    <section aria-labelledby="operate-heading" data-testid="operate">
      <h2 id="operate-heading">Send an event</h2>
      {triggers.length === 0 ? (
        <p className="muted" data-testid="op-no-events">
          {awaitsEvent
            ? "It takes no event sent to it directly in this state: it goes on when the event it waits for (below) is published — with Publish event… there."
            : "It takes no event from you in this state: the runtime moves it on by itself (an action finishing, a timer, an approver's decision)."}
        </p>
      ) : (
        <>
          <div className="field">
            <label htmlFor="op-event">Event</label>
            <select id="op-event" className="mono" value={event} onChange={(e) => setEvent(e.target.value)} data-testid="op-event">
              {triggers.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </div>
          <JsonTextField id="op-payload" label="Payload (JSON)" rows={3} value={payload} onChange={setPayload} problem={read.problem} />
        </>
      )}
      <div className="row">
        {triggers.length > 0 && (
          <button type="button" className="primary" disabled={busy || !event || read.problem !== null} onClick={send} data-testid="op-send">
            Send
          </button>
        )}
        <button
          type="button"
          className="danger"
          disabled={busy}
          data-testid="op-cancel"
          onClick={() => {
            if (window.confirm("Cancel this instance? It stops where it is and cannot be resumed.")) void act(() => cancelInstance(instanceId));
          }}
        >
          Cancel instance
        </button>
      </div>
    </section>
  );
}
