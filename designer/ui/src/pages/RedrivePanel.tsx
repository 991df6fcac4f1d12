// Redrive, offered on a failed instance the engine would resume: it enters the state it failed in again, a
// failed task running afresh under the idempotency key of the run that failed (docs/runtime.md § Redrive).
import { useState } from "react";
import { redriveInstance } from "../api/instances";

export default function RedrivePanel({ instanceId, state, onDone, onError }: { instanceId: string; state: string; onDone: () => void; onError: (m: string) => void }) {
  const [busy, setBusy] = useState(false);
  const redrive = async () => {
    setBusy(true);
    try {
      await redriveInstance(instanceId);
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
      <p className="muted">
        Redrive enters <strong className="mono">{state}</strong> again, where it stopped, and carries on from there. Steps done before it are not repeated; a task that failed runs again under its first idempotency key, so a side effect it already made is not made twice.
      </p>
      <button type="button" className="primary" disabled={busy} onClick={() => void redrive()} data-testid="op-redrive">
        Redrive
      </button>
    </section>
  );
}
