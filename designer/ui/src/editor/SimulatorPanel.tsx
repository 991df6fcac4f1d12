// Simulate the workflow being edited — nothing is persisted and no action runs. Pick an example or write
// a context, fire events one by one, and watch the current state move, each guard's value and the context.
import { useEffect, useMemo, useState } from "react";
import { simulate } from "../api/checks";
import type { SimulationEvent, SimulationResult } from "../api/types";
import JsonInput from "../components/fields/JsonInput";
import { transitionSources, type Workflow } from "../model/workflow";
import ContextChange from "../components/ContextChange";

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

export interface SimulatorPanelProps {
  workflow: Workflow;
  onResult: (result: SimulationResult | null) => void;
}

export default function SimulatorPanel({ workflow, onResult }: SimulatorPanelProps) {
  const examples = workflow.examples ?? [];
  const [exampleName, setExampleName] = useState<string>(examples[0]?.name ?? "");
  const [context, setContext] = useState<Record<string, unknown>>(() => (examples[0]?.context as Record<string, unknown>) ?? {});
  const [events, setEvents] = useState<SimulationEvent[]>([]);
  const [eventName, setEventName] = useState("");
  const [payloadText, setPayloadText] = useState("{}");
  const [result, setResult] = useState<SimulationResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => () => onResult(null), [onResult]);
  const selected = examples.find((e) => e.name === exampleName) ?? examples[0];

  const run = async (nextEvents: SimulationEvent[], nextContext = context) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await simulate({ definition: workflow, context: nextContext, events: nextEvents });
      setEvents(nextEvents);
      setResult(answer);
      onResult(answer);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
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
      <JsonInput label="Context" testId="sim-context" rows={5} value={context} onChange={(v) => setContext((v ?? {}) as Record<string, unknown>)} />
      <div className="row">
        <button type="button" className="primary" data-testid="sim-start" disabled={busy} onClick={() => void run([])}>
          Start
        </button>
        <button type="button" data-testid="sim-reset" disabled={busy || !result} onClick={() => { setResult(null); setEvents([]); onResult(null); }}>
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
                <li key={i} className="error-text">
                  {r.event} refused in {r.state}: {r.detail}
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
