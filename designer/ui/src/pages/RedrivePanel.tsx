// Redrive, offered on a failed instance the engine would resume: it enters the state it failed in again, a
// failed task running afresh under the idempotency key of the run that failed; the context may be corrected
// first, when bad data made the step fail (docs/runtime.md § Redrive).
import { useState } from "react";
import { redriveInstance } from "../api/instances";
import { firstInexactNumber, INEXACT_NUMBER } from "../model/document";
import { contextPathProblem } from "../model/ids";

function corrections(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`The corrections are not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const inexact = firstInexactNumber(text);
  if (inexact) throw new Error(`The corrections cannot be made: ${INEXACT_NUMBER(inexact.token)}`);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error('The corrections must be a JSON object of context paths and their values, e.g. {"tier": "large"}');
  }
  for (const key of Object.keys(parsed)) {
    const problem = contextPathProblem(key);
    if (problem) throw new Error(`The corrections cannot be made: ${problem}`);
  }
  return parsed as Record<string, unknown>;
}

interface Props {
  instanceId: string;
  state: string;
  stateType: string | undefined; // a map's items, a parallel state's branches that succeeded are carried over
  onDone: () => void;
  onError: (m: string) => void;
}

export default function RedrivePanel({ instanceId, state, stateType, onDone, onError }: Props) {
  const [busy, setBusy] = useState(false);
  const [fixes, setFixes] = useState("");
  const redrive = async () => {
    setBusy(true);
    try {
      await redriveInstance(instanceId, corrections(fixes));
      setFixes("");
      onDone();
    } catch (e) {
      onError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="redrive-heading" data-testid="redrive">
      <h2 id="redrive-heading">Resume after the failure</h2>
      {stateType === "map" || stateType === "parallel" ? (
        <p className="muted" data-testid="redrive-map">
          Redrive enters <strong className="mono">{state}</strong> again: the {stateType === "map" ? "items" : "branches"} that succeeded are kept as they ended (nothing they did runs again), and those that failed, were cancelled or never started run afresh. Correct the data first if that is what made them fail.
        </p>
      ) : (
        <p className="muted">
          Redrive enters <strong className="mono">{state}</strong> again, where it stopped, and carries on from there. Steps done before it are not repeated; a task that failed runs again under its first idempotency key, so a side effect it already made is not made twice.
        </p>
      )}
      <div className="field">
        <label htmlFor="redrive-set">Correct the context first (optional, JSON: a key or dotted path and its new value each)</label>
        <textarea id="redrive-set" className="mono" rows={2} placeholder='{"tier": "large", "enrichment.company": {}}' value={fixes} onChange={(e) => setFixes(e.target.value)} data-testid="redrive-set" />
      </div>
      <button type="button" className="primary" disabled={busy} onClick={() => void redrive()} data-testid="op-redrive">
        Redrive
      </button>
    </section>
  );
}
