// "Import…" beside "New workflow": an ASL, SCXML or XState document (a file or pasted text) becomes a new
// draft; what the importer cannot map is listed with where it is, and nothing is created.
import { useState, type ChangeEvent, type FormEvent } from "react";
import { createNewWorkflowDraft } from "../api/definitions";
import { ApiError } from "../api/http";
import { INTEROP_FORMATS, importDocument, type InteropFormat } from "../api/interop";
import { navigate } from "../app/router";
import type { Finding } from "../model/findings";
import { identifierProblem } from "../model/ids";
import { guessFormat, idFromDocument, idFromName, placeWords } from "./importNames";

export default function ImportWorkflow({ onError }: { onError: (message: string) => void }) {
  const [open, setOpen] = useState(false);
  const [format, setFormat] = useState<InteropFormat>("asl");
  const [source, setSource] = useState("");
  const [id, setId] = useState("");
  /** The id last proposed (from the file's name or the document): replaced by the next proposal, unlike one typed. */
  const [proposed, setProposed] = useState("");
  const propose = (next: string) => {
    if (id && id !== proposed) return;
    setId(next);
    setProposed(next);
    setIdTaken(null);
  };
  const [busy, setBusy] = useState(false);
  const [findings, setFindings] = useState<Finding[] | null>(null);
  const [idTaken, setIdTaken] = useState<string | null>(null);
  const idProblem = (id ? identifierProblem(id) : null) ?? idTaken;

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    const text = await file.text();
    setSource(text);
    setFormat(guessFormat(file.name, text));
    propose(idFromName(file.name));
    setFindings(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!source.trim() || !id || idProblem) return;
    setBusy(true);
    setFindings(null);
    try {
      const report = await importDocument(format, source, id);
      if (!report.imported || !report.definition) {
        setFindings(report.findings);
        return;
      }
      const draft = await createNewWorkflowDraft(report.definition);
      navigate(`/drafts/${encodeURIComponent(draft.id)}`);
    } catch (e) {
      if (e instanceof ApiError && e.slug === "id-taken") setIdTaken(e.message.charAt(0).toUpperCase() + e.message.slice(1) + ".");
      else onError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} data-testid="import-workflow" title="Bring in a workflow from AWS Step Functions, SCXML or XState">
        Import…
      </button>
    );
  }
  const accept = INTEROP_FORMATS.find((f) => f.format === format)?.accept;
  return (
    <form className="import-form" onSubmit={(e) => void submit(e)} data-testid="import-form" aria-label="Import a workflow">
      <div className="field">
        <label htmlFor="import-format">Format</label>
        <select id="import-format" value={format} onChange={(e) => setFormat(e.target.value as InteropFormat)} data-testid="import-format">
          {INTEROP_FORMATS.map((f) => (
            <option key={f.format} value={f.format}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="import-file">File</label>
        <input id="import-file" type="file" accept={accept} onChange={(e) => void choose(e)} data-testid="import-file" />
      </div>
      <div className="field wide">
        <label htmlFor="import-source">Document (or paste it here)</label>
        <textarea id="import-source" className="mono" rows={6} value={source} onChange={(e) => { setSource(e.target.value); setFindings(null); propose(idFromDocument(e.target.value) ?? ""); }} data-testid="import-source" spellCheck={false} />
      </div>
      <div className="field">
        <label htmlFor="import-id">Id of the new workflow</label>
        <input id="import-id" className="mono" value={id} onChange={(e) => { setId(e.target.value); setIdTaken(null); }} placeholder="e.g. order_refund" data-testid="import-id" aria-invalid={idProblem ? true : undefined} />
        {idProblem && <div className="field-problem" role="alert" data-testid="import-id-problem">{idProblem}</div>}
      </div>
      <div className="form-buttons">
        <button type="submit" className="primary" disabled={busy || !source.trim() || !id || idProblem !== null} data-testid="import-submit">
          {busy ? "Importing…" : "Import as a new draft"}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {findings && (
        <div className="notice notice-error" role="alert" data-testid="import-findings">
          <div className="notice-body">
            <strong>This document cannot be imported as it is; nothing was created.</strong>
            <ul>
              {findings.map((f, i) => (
                <li key={i}>
                  {f.severity === "warning" ? "Warning: " : ""}
                  {f.message} <code className="muted">{f.code}</code>
                  {placeWords(f) && <span className="muted" data-testid="import-finding-place"> ({placeWords(f)})</span>}
                  {f.pointer && <code className="muted"> at {f.pointer}</code>}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </form>
  );
}
