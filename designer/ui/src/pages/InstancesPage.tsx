// Instances in your tenant, filtered by workflow, version, state, status and time, newest first.
import { useState } from "react";
import { listInstances, type InstanceFilter } from "../api/instances";
import type { InstanceStatus } from "../api/types";
import { Link, navigate, useLocation } from "../app/router";
import { formatTime } from "../components/format";
import Notice from "../components/Notice";
import { useAsync } from "../components/useAsync";
import { useLiveChanges } from "../api/live";

const STATUSES: InstanceStatus[] = ["running", "held", "stuck", "succeeded", "failed", "cancelled"];
const PAGE = 50;

export default function InstancesPage() {
  const { search } = useLocation();
  const filter: InstanceFilter = {
    workflow: search.get("workflow") ?? undefined,
    version: search.get("version") ? Number(search.get("version")) : undefined,
    state: search.get("state") ?? undefined,
    status: (search.get("status") as InstanceStatus | null) ?? undefined,
    since: search.get("since") ?? undefined,
    until: search.get("until") ?? undefined,
    offset: Number(search.get("offset") ?? 0),
    limit: PAGE,
  };
  const key = search.toString();
  const page = useAsync(() => listInstances(filter), [key]);
  useLiveChanges(["instances"], page.reload);
  const [draft, setDraft] = useState<Record<string, string>>(() => Object.fromEntries(search.entries()));

  const apply = (values: Record<string, string>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(values)) if (v) params.set(k, k === "since" || k === "until" ? toIso(v) : v);
    navigate(`/instances${params.toString() ? `?${params}` : ""}`);
  };
  const field = (name: string) => ({
    value: draft[name] ?? "",
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: e.target.value })),
  });
  const offset = filter.offset ?? 0;
  const total = page.data?.total ?? 0;

  return (
    <div className="page" data-testid="instances-page">
      <h1>Instances</h1>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); apply({ ...draft, offset: "" }); }} aria-label="Filter instances">
        <label>
          Workflow <input {...field("workflow")} className="mono" data-testid="filter-workflow" />
        </label>
        <label>
          Version <input {...field("version")} inputMode="numeric" size={4} />
        </label>
        <label>
          State <input {...field("state")} className="mono" data-testid="filter-state" />
        </label>
        <label>
          Status{" "}
          <select {...field("status")} data-testid="filter-status">
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Since <input type="datetime-local" {...field("since")} value={fromIso(draft.since)} />
        </label>
        <label>
          Until <input type="datetime-local" {...field("until")} value={fromIso(draft.until)} />
        </label>
        <button type="submit" className="primary" data-testid="filter-apply">
          Filter
        </button>
        <button type="button" onClick={() => { setDraft({}); apply({}); }}>
          Clear
        </button>
      </form>
      {page.error && <Notice kind="error">{page.error}</Notice>}
      {page.data && (
        <>
          <p className="muted" data-testid="instances-total">
            {total} instance{total === 1 ? "" : "s"}
            {total > PAGE && ` — showing ${offset + 1}–${Math.min(offset + PAGE, total)}`}
          </p>
          <table className="table" data-testid="instances-table">
            <thead>
              <tr>
                <th>Instance</th>
                <th>Workflow</th>
                <th>State</th>
                <th>Status</th>
                <th>Started</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((i) => (
                <tr key={i.id} data-testid={`instance-row-${i.id}`}>
                  <td>
                    <Link to={`/instances/${encodeURIComponent(i.id)}`} className="mono" data-testid="open-instance">
                      {i.id.slice(0, 12)}…
                    </Link>
                  </td>
                  <td>
                    {i.workflow_id} v{i.version}
                    {i.parent_id && <div className="muted small">child of {i.parent_id.slice(0, 12)}…</div>}
                  </td>
                  <td className="mono">{i.state}</td>
                  <td>
                    <span className={`status status-${i.status}`}>{i.status}</span>
                  </td>
                  <td>{formatTime(i.created_at)}</td>
                  <td>{formatTime(i.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="pager">
            <button type="button" disabled={offset === 0} onClick={() => apply({ ...Object.fromEntries(search.entries()), offset: String(Math.max(0, offset - PAGE)) })}>
              Newer
            </button>
            <button type="button" disabled={offset + PAGE >= total} onClick={() => apply({ ...Object.fromEntries(search.entries()), offset: String(offset + PAGE) })}>
              Older
            </button>
          </div>
        </>
      )}
    </div>
  );
}

function toIso(local: string): string {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString();
}

function fromIso(value: string | undefined): string {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
