// "Export as" ASL, XState or SCXML for a published version. When the format cannot express part of the flow
// the server says what (422 with findings); the person may then take what can be expressed.
import { useState } from "react";
import { ApiError } from "../api/http";
import { exportVersion, INTEROP_FORMATS, type InteropFormat } from "../api/interop";
import type { Finding } from "../model/findings";
import { saveBlob } from "./download";

const SUFFIX: Record<InteropFormat, string> = { asl: "asl.json", scxml: "scxml", xstate: "xstate.json" };
const SHORT: Record<InteropFormat, string> = { asl: "ASL", scxml: "SCXML", xstate: "XState" };

export default function InteropExport({ workflowId, version }: { workflowId: string; version: number }) {
  const [busy, setBusy] = useState<InteropFormat | null>(null);
  const [refused, setRefused] = useState<{ format: InteropFormat; findings: Finding[]; message: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const download = async (format: InteropFormat, allowLoss = false) => {
    setBusy(format);
    setError(null);
    setRefused(null);
    try {
      const { blob, filename } = await exportVersion(workflowId, version, format, allowLoss);
      saveBlob(blob, filename ?? `${workflowId}-v${version}.${SUFFIX[format]}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) setRefused({ format, findings: e.findings, message: e.message });
      else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="export-menu" role="group" aria-label="Export the workflow to another tool">
      <span className="export-label">Export as</span>
      {INTEROP_FORMATS.map(({ format, label }) => (
        <button key={format} type="button" title={label} data-testid={`export-as-${format}`} disabled={busy !== null} onClick={() => void download(format)}>
          {busy === format ? "…" : SHORT[format]}
        </button>
      ))}
      {error && <span className="error-text" role="alert">{error}</span>}
      {refused && <Refusal format={SHORT[refused.format]} findings={refused.findings} message={refused.message} onAnyway={() => void download(refused.format, true)} onClose={() => setRefused(null)} />}
    </div>
  );
}

function Refusal({ format, findings, message, onAnyway, onClose }: { format: string; findings: Finding[]; message: string; onAnyway: () => void; onClose: () => void }) {
  const errors = findings.filter((f) => f.severity !== "warning");
  const warnings = findings.filter((f) => f.severity === "warning");
  return (
    <div className="notice notice-error export-refused" role="alert" data-testid="export-refused">
      <div className="notice-body">
        <strong>{format} cannot express all of this version:</strong>
        {findings.length === 0 && <p>{message}</p>}
        <FindingList findings={errors} />
        {warnings.length > 0 && (
          <details>
            <summary>{warnings.length} more kept with less meaning</summary>
            <FindingList findings={warnings} />
          </details>
        )}
        <div className="form-buttons">
          <button type="button" onClick={onAnyway} data-testid="export-anyway">
            Export what {format} can express
          </button>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}

function FindingList({ findings }: { findings: Finding[] }) {
  return (
    <ul className="notice-findings">
      {findings.map((f, i) => (
        <li key={i}>
          {f.message} {f.pointer && <code className="muted">at {f.pointer}</code>}
        </li>
      ))}
    </ul>
  );
}
