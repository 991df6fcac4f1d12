// Redrive, offered on a failed instance the engine would resume: it enters the state it failed in again, a
// failed task running afresh under the idempotency key of the run that failed; the context may be corrected
// first, when bad data made the step fail (docs/runtime.md § Redrive).
import { useState } from "react";
import { redriveInstance } from "../api/instances";
import { contextPathProblem } from "../model/ids";
import { readJsonObject, type ReadObject } from "./jsonObjectText";
import JsonTextField from "./JsonTextField";

const EXAMPLE = '{"tier": "large"}';

/** The corrections the text stands for — an object of context paths and their new values — or why it stands for
 * none, said at the field while the Redrive button waits. */
function corrections(text: string): ReadObject {
  const read = readJsonObject(text, EXAMPLE);
  if (read.problem !== null) return read;
  for (const key of Object.keys(read.value)) {
    const problem = contextPathProblem(key);
    if (problem) return { value: null, problem };
  }
  return read;
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
  const read = corrections(fixes);
  const redrive = async () => {
    if (read.problem !== null) return;
    setBusy(true);
    try {
      await redriveInstance(instanceId, read.value);
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
      <JsonTextField
        id="redrive-set"
        label="Correct the context first (optional, JSON: a key or dotted path and its new value each)"
        rows={2}
        placeholder='{"tier": "large", "enrichment.company": {}}'
        value={fixes}
        onChange={setFixes}
        problem={read.problem}
      />
      <button type="button" className="primary" disabled={busy || read.problem !== null} title={read.problem ? "Correct the text above first" : undefined} onClick={() => void redrive()} data-testid="op-redrive">
        Redrive
      </button>
    </section>
  );
}
