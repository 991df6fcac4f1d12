// Simulate the workflow being edited — nothing is persisted and no action runs. Pick an example or write
// a context, fire events one by one, and watch the current state move, each guard's value and the context.
// A path of the Paths panel can be played here: its script's events are sent one by one (or all, a step at a
// time), and the panel says when the flow leaves the path or reaches its final state.
import { useEffect, useMemo, useRef, useState } from "react";
import { simulate } from "../api/checks";
import type { SimulationEvent, SimulationResult } from "../api/types";
import JsonInput from "../components/fields/JsonInput";
import { transitionSources, type Workflow } from "../model/workflow";
import ContextChange from "../components/ContextChange";
import { cueEvents, expectedAfter, leftPath, type Playing } from "./pathPlayback";

/** The pause between two steps of "Play to the end", so the canvas can be followed. */
const STEP_MS = 350;

const STATUS_WORDS: Record<string, string> = {
  running: "running — waiting for the next event",
  held: "held at an approval gate (a policy's, or an agent's that asks before it acts): approve or reject",
  succeeded: "finished: success",
  failed: "finished: failure",
  cancelled: "cancelled",
};

function describeEvent(event: string | null): string {
  if (event === "(start)") return "start";
  if (event === "(auto)" || !event) return "automatic";
  return `on ${event}`;
}

/** The server says what an effect means in plain words (`summary`); older answers only name its class. */
function describeEffect(effect: { type: string; [k: string]: unknown }): string {
  if (typeof effect.summary === "string") return effect.summary;
  if (effect.type === "RequestApproval") {
    const request = (effect.request ?? {}) as Record<string, unknown>;
    const whose = effect.kind === "agent" ? `agent ${String(request.agent_name ?? request.agent ?? "")}` : String(effect.kind ?? "");
    return `an approval (${whose}) at ${String(effect.state ?? "")}`;
  }
  const detail = effect.action ?? effect.fire ?? effect.state ?? "";
  return detail ? `${effect.type} ${String(detail)}` : effect.type;
}

/** Why a step failed or an event was refused, as the server words it, with the field and expression involved;
 * where the page can show that place (`onShow`), a button that does. */
function FailureWhy({ failure, testId, onShow }: { failure: StepFailure; testId: string; onShow?: ((failure: StepFailure) => void) | undefined }) {
  return (
    <div className="sim-failure" role="alert" data-testid={testId} data-pointer={failure.pointer ?? ""}>
      <p className="error-text">{failure.summary}</p>
      {(failure.field || failure.expression) && (
        <p className="muted small" data-testid={`${testId}-where`}>
          In <strong>{failure.state}</strong>
          {failure.field && <>: {failure.field}</>}
          {failure.expression && (
            <>
              {" "}
              <code>{failure.expression}</code>
            </>
          )}
        </p>
      )}
      {onShow && failure.pointer && (
        <button type="button" className="link" data-testid={`${testId}-show`} title="Selects it on the canvas and opens it in the inspector" onClick={() => onShow(failure)}>
          Show in the flow
        </button>
      )}
    </div>
  );
}

export interface SimulatorPanelProps {
  workflow: Workflow;
  onResult: (result: SimulationResult | null) => void;
  /** A path to play (from the Paths panel); null when none is. */
  playing?: Playing | null;
  onStopPlaying?: () => void;
  /** Show where a failure is (its pointer) in the flow, as a finding is shown; without it, no button offers to. */
  onShowFailure?: (failure: StepFailure) => void;
}

type Verdict = { kind: "ok" | "error"; text: string };
export type StepFailure = NonNullable<SimulationResult["failure"]>;

export default function SimulatorPanel({ workflow, onResult, playing = null, onStopPlaying, onShowFailure }: SimulatorPanelProps) {
  const examples = workflow.examples ?? [];
  const [exampleName, setExampleName] = useState<string>(examples[0]?.name ?? "");
  const [context, setContext] = useState<Record<string, unknown>>(() => (examples[0]?.context as Record<string, unknown>) ?? {});
  // Text in the context field that is no context yet: Start waits rather than run the last one that was.
  const [contextProblem, setContextProblem] = useState<string | null>(null);
  const [events, setEvents] = useState<SimulationEvent[]>([]);
  const [eventName, setEventName] = useState("");
  const [payloadText, setPayloadText] = useState("{}");
  const [result, setResult] = useState<SimulationResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => () => onResult(null), [onResult]);
  const selected = examples.find((e) => e.name === exampleName) ?? examples[0];

  const run = async (nextEvents: SimulationEvent[], nextContext = context): Promise<SimulationResult | null> => {
    setBusy(true);
    setError(null);
    try {
      const answer = await simulate({ definition: workflow, context: nextContext, events: nextEvents });
      setEvents(nextEvents);
      setResult(answer);
      onResult(answer);
      return answer;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return null;
    } finally {
      setBusy(false);
    }
  };

  // Playing a path: `played` of its cues are sent; `verdict` says it left the path, or reached its end.
  const [played, setPlayed] = useState(0);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const script = playing?.script ?? null;
  // A path just chosen to play is brought into view with the focus: "▶ Play in simulator" under a path of a long
  // list opened the simulator below it, out of sight (a published version's page at 1366x768).
  const playBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!playing) return;
    // After the page shows the panel (the editor turns to its Simulate tab in the same update).
    const frame = window.requestAnimationFrame(() => {
      const box = playBox.current;
      if (!box || box.offsetParent === null) return;
      box.scrollIntoView({ block: "start" });
      box.focus({ preventScroll: true });
    });
    return () => window.cancelAnimationFrame(frame);
  }, [playing]);
  const judge = (answer: SimulationResult, count: number): boolean => {
    if (!playing) return false;
    const left = leftPath(answer, expectedAfter(playing.script, count));
    if (left) setVerdict({ kind: "error", text: `The flow leaves path #${playing.number}: ${left}.` });
    else if (count === playing.script.cues.length) setVerdict({ kind: "ok", text: `Path #${playing.number} played: the flow reached ${playing.script.final} (${playing.script.outcome}).` });
    else setVerdict(null);
    return left === null;
  };
  useEffect(() => {
    setPlayed(0);
    setVerdict(null);
    if (!playing) return;
    setContext(playing.script.context);
    setEvents([]);
    if (!playing.script.playable) {
      setResult(null);
      onResult(null);
      return;
    }
    void run([], playing.script.context).then((answer) => answer && judge(answer, 0));
  }, [playing]);
  /** Send the next `count` cues, one simulation each, stopping where the flow leaves the path. */
  const playSteps = async (count: number) => {
    if (!script) return;
    const last = Math.min(script.cues.length, played + count);
    for (let n = played + 1; n <= last; n++) {
      const answer = await run(cueEvents(script.cues, n), script.context);
      if (!answer) return;
      setPlayed(n);
      if (!judge(answer, n)) return;
      if (n < last) await new Promise((done) => window.setTimeout(done, STEP_MS));
    }
  };

  const pickExample = (name: string) => {
    setExampleName(name);
    const example = examples.find((e) => e.name === name);
    const ctx = (example?.context as Record<string, unknown>) ?? {};
    setContext(ctx);
    setEvents([]);
    setResult(null);
    onResult(null);
    onStopPlaying?.();
  };

  /** Run the chosen example as written: its context and its events. */
  const runExample = () => {
    if (!selected) return;
    const exampleContext = (selected.context as Record<string, unknown>) ?? {};
    setContext(exampleContext);
    const exampleEvents = (selected.events ?? []).map((e) => ({ event: e.event, payload: e.payload ?? {}, ...(e.actor ? { actor: e.actor } : {}) }));
    void run(exampleEvents, exampleContext);
  };

  const fire = (name: string) => {
    let payload: Record<string, unknown> = {};
    try {
      payload = payloadText.trim() ? (JSON.parse(payloadText) as Record<string, unknown>) : {};
    } catch (e) {
      setError(`The payload is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    void run([...events, { event: name, payload }]);
  };

  const offered = useMemo(() => {
    if (!result) return [];
    const names = new Set<string>();
    if (result.status === "held") return ["approve", "reject"];
    for (const t of workflow.transitions) {
      if (t.trigger && transitionSources(t, workflow).includes(result.state)) names.add(t.trigger);
    }
    return [...names];
  }, [result, workflow]);
  const expected = selected?.expect_state;

  return (
    <section className="simulator" aria-label="Simulator" data-testid="simulator">
      <h2>Simulate</h2>
      <p className="muted">Runs this workflow as drawn — nothing is saved and no action runs. A task waits for you to fire done (its payload is the action's output) or error (a payload such as {"{"}"kind": "timeout"{"}"} names the kind: the task's retry rules retry it first, then the error transition catching that kind is taken).</p>
      {examples.length > 0 && (
        <div className="field">
          <label htmlFor="sim-example">Example</label>
          <div className="row">
            <select id="sim-example" value={selected?.name ?? ""} data-testid="sim-example" onChange={(e) => pickExample(e.target.value)}>
              {examples.map((e) => (
                <option key={e.name} value={e.name}>
                  {e.name}
                </option>
              ))}
            </select>
            <button type="button" data-testid="sim-run-example" disabled={busy} onClick={runExample}>
              Run example
            </button>
          </div>
        </div>
      )}
      {playing && script && (
        <div className="sim-play" data-testid="sim-play" ref={playBox} tabIndex={-1} role="region" aria-labelledby="sim-play-heading">
          <h3 id="sim-play-heading">
            Playing path #{playing.number} to <code>{script.final}</code>
          </h3>
          {!script.followed && (
            <p className={script.playable ? "warn-text" : "error-text"} data-testid="sim-play-check">
              {script.verdict}
            </p>
          )}
          <ol className="sim-play-cues">
            {script.cues.map((cue, i) => (
              <li key={i} data-testid={`sim-cue-${i}`} data-sent={i < played ? "true" : "false"} className={i === played ? "next-cue" : ""}>
                {cue.words}
              </li>
            ))}
          </ol>
          <div className="row">
            <button type="button" className="primary" data-testid="sim-play-next" disabled={busy || !script.playable || played >= script.cues.length || verdict?.kind === "error"} onClick={() => void playSteps(1)}>
              Next step
            </button>
            <button type="button" data-testid="sim-play-all" disabled={busy || !script.playable || played >= script.cues.length || verdict?.kind === "error"} onClick={() => void playSteps(script.cues.length)}>
              Play to the end
            </button>
            <button type="button" data-testid="sim-play-stop" onClick={() => onStopPlaying?.()}>
              Stop playing
            </button>
          </div>
          {verdict && (
            <p className={verdict.kind === "ok" ? "ok-text" : "error-text"} role={verdict.kind === "ok" ? "status" : "alert"} data-testid="sim-play-verdict">
              {verdict.text}
            </p>
          )}
        </div>
      )}
      <JsonInput label="Context" testId="sim-context" shape="object" rows={5} value={context} onChange={(v) => setContext((v ?? {}) as Record<string, unknown>)} onProblem={setContextProblem} />
      <div className="row">
        <button type="button" className="primary" data-testid="sim-start" disabled={busy || contextProblem !== null} onClick={() => void run([])}>
          Start
        </button>
        <button type="button" data-testid="sim-reset" disabled={busy || !result} onClick={() => { setResult(null); setEvents([]); onResult(null); onStopPlaying?.(); }}>
          Reset
        </button>
      </div>
      {error && <p className="error-text" role="alert" data-testid="sim-error">{error}</p>}
      {result && (
        <>
          <div className={`sim-status status-${result.status}`} data-testid="sim-status">
            Now in <strong data-testid="sim-state">{result.state}</strong> — {STATUS_WORDS[result.status] ?? result.status}
            {expected && <span> (the example expects {expected}{expected === result.state ? " ✓" : ""})</span>}
          </div>
          {result.failure && <FailureWhy failure={result.failure} testId="sim-failure" onShow={onShowFailure} />}
          {(result.status === "running" || result.status === "held") && (
            <div className="sim-fire">
              <div className="field">
                <label htmlFor="sim-payload">Payload of the next event (JSON)</label>
                <textarea id="sim-payload" className="mono" rows={2} value={payloadText} data-testid="sim-payload" onChange={(e) => setPayloadText(e.target.value)} />
              </div>
              <div className="row wrap">
                {offered.map((name) => (
                  <button key={name} type="button" data-testid={`sim-fire-${name}`} disabled={busy} onClick={() => fire(name)}>
                    Fire {name}
                  </button>
                ))}
                <input aria-label="Another event" placeholder="other event" value={eventName} onChange={(e) => setEventName(e.target.value)} data-testid="sim-event-name" />
                <button type="button" disabled={busy || !eventName.trim()} onClick={() => fire(eventName.trim())}>
                  Fire
                </button>
              </div>
            </div>
          )}
          {result.rejected.length > 0 && (
            <ul className="sim-rejected">
              {result.rejected.map((r, i) => (
                <li key={i} className="error-text" data-testid="sim-rejected">
                  {r.reason ? <FailureWhy failure={r.reason} testId="sim-rejected-why" onShow={onShowFailure} /> : `${r.event} refused in ${r.state}: ${r.detail}`}
                </li>
              ))}
            </ul>
          )}
          <ol className="sim-steps" data-testid="sim-steps">
            {result.steps.map((step, i) => (
              <li key={step.index} data-testid={`sim-step-${step.index}`}>
                <div>
                  <strong>{step.from_state ?? "start"}</strong> → <strong>{step.to_state}</strong>{" "}
                  <span className="muted">{describeEvent(step.event)}</span>
                  {step.actor && <span className="muted"> by {step.actor}</span>}
                </div>
                {step.guards.some((g) => g.guard) && (
                  <ul className="sim-guards" aria-label="Guards tried">
                    {step.guards.filter((g) => g.guard).map((g) => (
                      <li key={g.transition} data-testid="sim-guard">
                        <code>{g.guard}</code>
                        {g.dest && <span className="muted"> (to {g.dest})</span>} ={" "}
                        <span className={`guard-${String(g.value)}`}>{g.error ? `error: ${String(g.error)}` : String(g.value)}</span>
                      </li>
                    ))}
                  </ul>
                )}
                {step.effects.length > 0 && <div className="muted small">then: {step.effects.map(describeEffect).join("; ")}</div>}
                <ContextChange before={i > 0 ? result.steps[i - 1]!.context : {}} after={step.context} />
              </li>
            ))}
          </ol>
          <details>
            <summary>Context now</summary>
            <pre className="mono" data-testid="sim-context-now">{JSON.stringify(result.context, null, 2)}</pre>
          </details>
        </>
      )}
    </section>
  );
}
