// Publishing with eyes open: what changes since the published version (each changed value, old → new), the
// problems found, and a confirmation — explicit when a new workflow would take over a published flow's id.
// Someone who may not publish asks a publisher instead ("Request publication"), with a note.
// When instances run the published version, the dialog shows what migrating them to the new version would do
// before publishing, and after publishing offers to migrate them (the same preview, then Apply). States the draft
// renamed are mapped to their new ids in both (stateRenames.ts), so their instances are not refused.
import { useEffect, useState } from "react";
import { loadWorkflowSchema } from "../api/catalog";
import { getDraft, getVersion } from "../api/definitions";
import { ApiError } from "../api/http";
import { applyMigration, draftMigration, migrationPreview, type Migration } from "../api/migration";
import { publicationPreview, publishConfirmed, requestPublication, type PublicationPreview } from "../api/publication";
import type { Diff, VersionDetail } from "../api/types";
import { formatCount } from "../components/format";
import Modal from "../components/Modal";
import Notice from "../components/Notice";
import { useAsync } from "../components/useAsync";
import { fieldDefaults } from "../model/defaults";
import { asWorkflow } from "../model/document";
import { locate, type Finding } from "../model/findings";
import { findingMessage } from "../model/findingWords";
import MigrationPreview from "./MigrationPreview";
import { renamedStates } from "./stateRenames";
import { withRenames } from "./diffRenames";

export interface PublishDialogProps {
  draftId: string;
  canPublish: boolean;
  onClose: () => void;
  onPublished: (version: VersionDetail) => void;
  onRequested: (text: string) => void;
  /** Where a finding's machine is, for people (`review › legal`: a branch, or a map's items), null at the top. */
  placeOf?: (finding: Finding) => string | null;
}

export default function PublishDialog({ draftId, canPublish, onClose, onPublished, onRequested, placeOf: scopeOf }: PublishDialogProps) {
  const preview = useAsync(() => publicationPreview(draftId), [draftId]);
  const [replace, setReplace] = useState(false);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const p = preview.data;
  const errors = p?.report.errors ?? 0;
  const publishedBefore = p?.published_version ?? null;
  const workflowId = p?.workflow_id ?? null;
  // The states renamed since the published version (old → new): the migration maps their instances there.
  const renames = useAsync<Record<string, string> | null>(
    () => (workflowId !== null && publishedBefore !== null ? renamesSince(draftId, workflowId, publishedBefore) : Promise.resolve(null)),
    [draftId, workflowId, publishedBefore],
  );
  const mapping = renames.data;
  const migration = useAsync<Migration | null>(
    () => (publishedBefore !== null && errors === 0 && mapping !== null ? draftMigration(draftId, {}, mapping) : Promise.resolve(null)),
    [draftId, publishedBefore, errors, JSON.stringify(mapping)],
  );
  const [published, setPublished] = useState<VersionDetail | null>(null);
  const blocked = !p || errors > 0 || (p.replaces_other_flow && !replace) || busy;

  const confirm = async () => {
    if (!p) return;
    setBusy(true);
    setError(null);
    try {
      if (canPublish) {
        const version = await publishConfirmed(draftId, replace);
        if (publishedBefore !== null && (migration.data?.instances ?? 0) > 0) setPublished(version);
        else onPublished(version);
      } else {
        await requestPublication(draftId, note.trim() || null);
        onRequested(`Publication requested: a publisher sees it in their Approvals inbox.`);
      }
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (published && publishedBefore !== null) {
    return <MigrateAfterPublishing version={published} from={publishedBefore} renames={mapping ?? {}} onDone={() => onPublished(published)} />;
  }

  const heading = p ? `${canPublish ? "Publish" : "Request publication of"} ${p.title ?? p.workflow_id ?? "this draft"}${p.next_version ? ` as v${p.next_version}` : ""}` : "Publish";
  return (
    <Modal labelledBy="publish-heading" testId="publish-dialog" onClose={onClose} className="wide">
      <h2 id="publish-heading">{heading}</h2>
      {preview.error && <Notice kind="error">{preview.error}</Notice>}
      {!p && !preview.error && <p aria-busy="true">Comparing with the published version…</p>}
      {p && (
        <>
          {p.replaces_other_flow && (
            <Notice kind="error" testId="publish-replace-warning">
              <strong>{p.workflow_id}</strong> is already a published workflow (v{p.published_version}). This draft was started as a new workflow: publishing it
              replaces that flow with this one as v{p.next_version}, and new instances of <code>{p.workflow_id}</code> will run it.
              <label className="confirm-replace">
                <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} data-testid="publish-confirm-replace" /> Yes, replace{" "}
                <code>{p.workflow_id}</code> with this draft
              </label>
            </Notice>
          )}
          {p.base_outdated && (
            <Notice kind="info" testId="publish-outdated">
              v{p.published_version} was published after this draft was copied from v{p.base_version}: the changes below are against v{p.published_version}, and
              anything it added that this draft lacks would be undone.
            </Notice>
          )}
          <section aria-labelledby="publish-diff-heading" data-testid="publish-diff">
            <h3 id="publish-diff-heading">{p.published_version ? `Changes since v${p.published_version}` : "Changes"}</h3>
            {p.published_version === null ? <p className="muted">A new workflow: nothing is published under this id yet.</p> : <DiffDetail diff={p.diff} renames={mapping ?? {}} />}
          </section>
          <section aria-labelledby="publish-findings-heading" data-testid="publish-findings">
            <h3 id="publish-findings-heading">
              Problems: {errors} error{errors === 1 ? "" : "s"}, {p.report.warnings} warning{p.report.warnings === 1 ? "" : "s"}
            </h3>
            {p.report.findings.length === 0 && <p className="muted">None found.</p>}
            <ul className={errors ? "notice-findings" : undefined} data-testid={errors ? "publish-refusal" : undefined}>
              {p.report.findings.map((f, i) => (
                <li key={i} className={f.severity === "error" ? "finding-error" : "finding-warning"}>
                  <code>{f.code}</code> {findingMessage(f)} <span className="muted" data-testid="publish-finding-place">{placeOf(f, scopeOf?.(f) ?? null)}</span>
                </li>
              ))}
            </ul>
            {errors > 0 && <p className="field-problem">Fix the errors before it can be published.</p>}
          </section>
          {publishedBefore !== null && (
            <section aria-labelledby="publish-migration-heading" data-testid="publish-migration">
              <h3 id="publish-migration-heading">Running instances of v{publishedBefore}</h3>
              {migration.error && <p className="muted">{migration.error}</p>}
              {migration.data && migration.data.instances === 0 && <p className="muted">None: no instance runs v{publishedBefore} now.</p>}
              {migration.data && migration.data.instances > 0 && (
                <>
                  <RenamesMapped renames={mapping ?? {}} />
                  <MigrationPreview migration={migration.data} testId="publish-migration-preview" more={(page) => draftMigration(draftId, page, mapping ?? {})} />
                  {canPublish && <p className="muted small">Publishing leaves them on v{publishedBefore}; you can migrate them next.</p>}
                </>
              )}
            </section>
          )}
          {!canPublish && (
            <div className="field">
              <label htmlFor="publish-note">Note for the publisher</label>
              <textarea id="publish-note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} data-testid="publication-note" />
            </div>
          )}
          {p.request && canPublish && (
            <p className="muted small" data-testid="publish-request-note">
              Requested by {p.request.requested_by}
              {p.request.note ? `: “${p.request.note}”` : ""}
            </p>
          )}
        </>
      )}
      {error && <Notice kind="error" testId="publish-error">{error}</Notice>}
      <div className="row modal-actions">
        <button type="button" onClick={onClose} data-testid="publish-cancel">
          Cancel
        </button>
        <button type="button" className="primary" disabled={blocked} onClick={() => void confirm()} data-testid="publish-confirm">
          {busy ? "Working…" : canPublish ? `Publish${p?.next_version ? ` v${p.next_version}` : ""}` : "Request publication"}
        </button>
      </div>
    </Modal>
  );
}

/** The states the draft renamed, each old id to its new one: its instances are mapped there. */
async function renamesSince(draftId: string, workflowId: string, version: number): Promise<Record<string, string>> {
  try {
    // The published version has the model's defaults written out, a draft from a file or pasted JSON mostly not:
    // they are compared without them (without the schema, at least without the empty values).
    const [draft, published, schema] = await Promise.all([getDraft(draftId), getVersion(workflowId, version), loadWorkflowSchema().catch(() => null)]);
    const parsed = asWorkflow(draft.content);
    return parsed.ok ? renamedStates(published.definition, parsed.workflow, fieldDefaults(schema)) : {};
  } catch {
    return {}; // not known: the states are mapped by hand, as before
  }
}

function RenamesMapped({ renames }: { renames: Record<string, string> }) {
  const pairs = Object.entries(renames);
  if (pairs.length === 0) return null;
  return (
    <p className="small" data-testid="publish-renames">
      Renamed in this draft, so their instances are mapped to the new id:{" "}
      {pairs.map(([from, to], i) => (
        <span key={from}>
          {i > 0 && ", "}
          <code>{from}</code> → <code>{to}</code>
        </span>
      ))}
      .
    </p>
  );
}

function MigrateAfterPublishing({ version, from, renames, onDone }: { version: VersionDetail; from: number; renames: Record<string, string>; onDone: () => void }) {
  const targets = Object.entries(version.definition.states)
    .filter(([, s]) => s.type !== "choice")
    .map(([id]) => id);
  // The renamed states start mapped to their new ids (the person may still choose otherwise).
  const renamed = Object.fromEntries(Object.entries(renames).filter(([, to]) => targets.includes(to)));
  const [mapping, setMapping] = useState<Record<string, string>>(renamed);
  const preview = useAsync(() => migrationPreview(version.workflow_id, from, version.version, mapping), [version.workflow_id, from, version.version, JSON.stringify(mapping)]);
  const [result, setResult] = useState<Migration | null>(null);
  const [missing, setMissing] = useState<string[]>(Object.keys(renamed));
  const data = preview.data;
  // The states the new version lacks, as first seen (they stay offered once a mapping is chosen for them).
  useEffect(() => {
    const seen = (data?.groups ?? []).filter((g) => g.state_change === "missing").map((g) => g.state);
    if (seen.length) setMissing((known) => [...new Set([...known, ...seen])]);
  }, [data]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await applyMigration(version.workflow_id, from, version.version, mapping));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const shown = result ?? preview.data;
  const movable = (preview.data?.would_migrate ?? 0) > 0;
  return (
    <Modal labelledBy="migrate-heading" testId="migrate-dialog" onClose={onDone} className="wide">
      <h2 id="migrate-heading">
        {result ? `Published v${version.version}: running instances migrated` : `Published v${version.version}: migrate running instances?`}
      </h2>
      {preview.error && <Notice kind="error">{preview.error}</Notice>}
      {!shown && !preview.error && <p aria-busy="true">Planning the migration…</p>}
      {!result && missing.length > 0 && (
        <fieldset className="migration-mapping" data-testid="migrate-mapping">
          <legend>States v{version.version} lacks: map them to one of its states</legend>
          {missing.map((state) => (
            <label key={state} className="field">
              <code>{state}</code> →{" "}
              <select
                value={mapping[state] ?? ""}
                onChange={(e) => {
                  const next = { ...mapping };
                  if (e.target.value) next[state] = e.target.value;
                  else delete next[state];
                  setMapping(next);
                }}
                data-testid={`migrate-map-${state}`}
              >
                <option value="">— leave them on v{from} —</option>
                {targets.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
              {renamed[state] !== undefined && mapping[state] === renamed[state] && (
                <span className="muted small" data-testid={`migrate-renamed-${state}`}>
                  {" "}
                  renamed to <code>{renamed[state]}</code> in this draft
                </span>
              )}
            </label>
          ))}
        </fieldset>
      )}
      {shown && (
        <MigrationPreview
          migration={shown}
          testId={result ? "migrate-result" : "migrate-preview"}
          more={result ? undefined : (page) => migrationPreview(version.workflow_id, from, version.version, mapping, page)}
        />
      )}
      {!result && shown && <p className="muted small">Each instance moves in a transaction of its own, recorded in its history; refused ones stay on v{from}.</p>}
      {error && <Notice kind="error" testId="migrate-error">{error}</Notice>}
      <div className="row modal-actions">
        <button type="button" onClick={onDone} data-testid="migrate-done">
          {result ? "Done" : "Not now"}
        </button>
        {!result && (
          <button type="button" className="primary" disabled={!movable || busy} onClick={() => void apply()} data-testid="migrate-apply">
            {busy ? "Migrating…" : `Migrate ${formatCount(preview.data?.would_migrate ?? 0)} to v${version.version}`}
          </button>
        )}
      </div>
    </Modal>
  );
}

function show(value: unknown): string {
  if (value === undefined) return "—";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

function FieldChanges({ fields, before, after }: { fields: string[]; before: unknown; after: unknown }) {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  return (
    <ul className="field-changes">
      {fields.map((f) => (
        <li key={f}>
          <code>{f}</code>: <del className="diff-old">{show(b[f])}</del> → <ins className="diff-new">{show(a[f])}</ins>
        </li>
      ))}
    </ul>
  );
}

function DiffDetail({ diff, renames }: { diff: PublicationPreview["diff"]; renames: Readonly<Record<string, string>> }) {
  if (!diff) return <p className="muted">The draft does not fit the format yet, so it cannot be compared.</p>;
  const d = withRenames(diff as Diff, renames);
  const none = !d.renamed.length && !d.fields.length && !d.states.added.length && !d.states.removed.length && !d.states.changed.length && !d.transitions.added.length && !d.transitions.removed.length && !d.transitions.changed.length;
  if (none) return <p className="muted" data-testid="publish-no-changes">No changes: it would publish the same flow again.</p>;
  return (
    <ul className="publish-changes">
      {d.fields.length > 0 && <li>Workflow fields changed: {d.fields.join(", ")}</li>}
      {d.renamed.map(([from, to]) => (
        <li key={`sn-${from}`} className="diff-changed" data-testid={`publish-renamed-${from}`}>
          State <code>{from}</code> renamed to <code>{to}</code>
        </li>
      ))}
      {d.states.added.map((s) => (
        <li key={`sa-${s}`} className="diff-added">
          State <code>{s}</code> added
        </li>
      ))}
      {d.states.removed.map((s) => (
        <li key={`sr-${s}`} className="diff-removed">
          State <code>{s}</code> removed
        </li>
      ))}
      {d.states.changed.map((c) => (
        <li key={`sc-${c.id}`} className="diff-changed" data-testid={`publish-change-${c.id}`}>
          State <code>{c.id}</code> changed
          <FieldChanges fields={c.fields} before={c.before} after={c.after} />
        </li>
      ))}
      {d.transitions.added.map((t) => (
        <li key={`ta-${t.key}`} className="diff-added">
          Transition <code>{t.key}</code> added
        </li>
      ))}
      {d.transitions.removed.map((t) => (
        <li key={`tr-${t.key}`} className="diff-removed">
          Transition <code>{t.key}</code> removed
        </li>
      ))}
      {d.transitions.changed.map((t) => (
        <li key={`tc-${t.key}`} className="diff-changed">
          Transition <code>{t.key}</code> changed
          <FieldChanges fields={t.fields} before={t.before} after={t.after} />
        </li>
      ))}
    </ul>
  );
}

/** Where a finding is: the states and transitions at fault, else its JSON pointer ("— in wait_3"). */
function placeOf(f: Finding, scope: string | null): string {
  const where = locate(f);
  const named = [...where.states, ...where.transitions.map((t) => `transition ${t + 1}`)].join(", ");
  if (named) return scope ? `— in ${named} in ${scope}` : `— in ${named}`;
  return f.pointer && f.pointer !== "/" ? `— at ${f.pointer}` : "";
}
