// Instances in your tenant, filtered by workflow, version, state, status and time, newest first — 50 a page,
// however many there are: the pager goes a page at a time, to the newest or the oldest, or to a page by number
// (read by pageNumber.ts: a number that is not whole is refused in words, one past the end goes to the last page).
import { useState } from "react";
import { listInstances, type InstanceFilter } from "../api/instances";
import type { InstanceStatus } from "../api/types";
import { Link, navigate, useLocation } from "../app/router";
import { countOf, formatCount, formatTime } from "../components/format";
import Notice from "../components/Notice";
import { useAsync } from "../components/useAsync";
import { useLiveChanges } from "../api/live";
import { identifierProblem } from "../model/ids";
import { addressProblems, refusedFilters, STATUSES, type FilterProblem } from "./instanceFilters";
import { readPageNumber } from "./pageNumber";
import { shortId } from "./shortId";

const PAGE = 50;
const MAX_OFFSET = 10_000_000; // the API's (docs/api.md § Pages)
const ID_FILTERS = [
  { name: "workflow", label: "workflow id" },
  { name: "state", label: "state id" },
] as const;

export default function InstancesPage() {
  const { search } = useLocation();
  const version = wholeNumber(search.get("version"));
  const offset = Math.min(wholeNumber(search.get("offset")) ?? 0, MAX_OFFSET);
  const filter: InstanceFilter = {
    workflow: search.get("workflow") ?? undefined,
    version,
    state: search.get("state") ?? undefined,
    status: (search.get("status") as InstanceStatus | null) ?? undefined,
    since: search.get("since") ?? undefined,
    until: search.get("until") ?? undefined,
    offset,
    limit: PAGE,
  };
  const badVersion = search.has("version") && version === undefined ? search.get("version") : null;
  // A workflow or state id no instance can have (a space, a letter the format does not allow): said in words,
  // instead of sending it for the server to refuse with its regular expression.
  const badIds = ID_FILTERS.flatMap(({ name, label }) => {
    const value = search.get(name);
    const problem = value ? identifierProblem(value) : null;
    return value && problem ? [{ name, label, value, problem }] : [];
  });
  // Started since a moment after the one it is started until: nothing can match, and "0 instances" would not
  // say why.
  const since = search.get("since");
  const until = search.get("until");
  const inverted = since !== null && until !== null && Date.parse(since) > Date.parse(until);
  // A status or time no instance can have (an address edited by hand): said in words, with what it takes.
  const unusable = addressProblems(search);
  const refused = badVersion !== null || badIds.length > 0 || inverted || unusable.length > 0;
  const key = search.toString();
  // Each page remembers the filter it answers, so one still loading (a filter just applied, a jump) is marked.
  // A filter the server refuses (by a rule the checks above do not know) comes back as the filters it names.
  const page = useAsync(async () => {
    if (refused) return null;
    try {
      return { key, refusedBy: [] as FilterProblem[], ...(await listInstances(filter)) };
    } catch (error) {
      const refusedBy = refusedFilters(error, search);
      if (refusedBy.length === 0) throw error;
      return { key, refusedBy, items: [], total: 0, offset: 0, limit: PAGE };
    }
  }, [key]);
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
  /** Drop one filter from the address (and from the form), keeping the others. */
  const clearFilter = (name: string) => {
    const values: Record<string, string> = { ...Object.fromEntries(search.entries()), offset: "" };
    delete values[name];
    setDraft((d) => ({ ...d, [name]: "" }));
    apply(values);
  };
  const goTo = (to: number) => apply({ ...Object.fromEntries(search.entries()), offset: to > 0 ? String(to) : "" });
  const refusedBy = page.data?.refusedBy ?? [];
  const shown = refusedBy.length > 0 ? null : page.data;
  const total = shown?.total ?? 0;
  const stale = page.loading && shown?.key !== key;

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
      {badVersion !== null && (
        <Notice kind="error" testId="instances-bad-filter">
          The version “{badVersion}” is not a whole number: give a version such as 2, or leave it empty for all versions.
        </Notice>
      )}
      {badIds.map(({ name, label, value, problem }) => (
        <Notice key={name} kind="error" testId={`instances-bad-${name}`}>
          “{value.length > 60 ? `${value.slice(0, 60)}…` : value}” cannot be a {label}, so no instance has it: {problem.charAt(0).toLowerCase() + problem.slice(1)}
        </Notice>
      ))}
      {inverted && (
        <Notice kind="error" testId="instances-bad-window">
          “Since” ({formatTime(since)}) is after “Until” ({formatTime(until)}): no instance can have started in between. Swap them, or clear one.
        </Notice>
      )}
      {[...unusable, ...refusedBy].map((bad) => (
        <Notice key={bad.name} kind="error" testId={`instances-bad-${bad.name}`}>
          {bad.words}{" "}
          <button type="button" className="link" onClick={() => clearFilter(bad.name)} data-testid={`clear-filter-${bad.name}`}>
            Clear this filter
          </button>
        </Notice>
      ))}
      {page.error && <Notice kind="error">{page.error}</Notice>}
      {shown && (
        <div className={stale ? "stale" : undefined} aria-busy={stale}>
          <div className="list-heading">
            <p className="muted" data-testid="instances-total" role="status">
              {countOf(total, "instance")}
              {total > PAGE && shown.items.length > 0 && ` — showing ${formatCount(shown.offset + 1)}–${formatCount(shown.offset + shown.items.length)}, newest first`}
            </p>
            {total > PAGE && <Pager key={shown.offset} offset={shown.offset} total={total} onGo={goTo} place="top" />}
          </div>
          {shown.items.length === 0 && total > 0 && (
            <Notice kind="info" testId="instances-past-the-end">
              There is no page {formatCount(pageOf(shown.offset))}: the {countOf(total, "instance")} fill {countOf(pageCount(total), "page")}.{" "}
              <button type="button" className="link" onClick={() => goTo(lastOffset(total))}>
                Go to the last page
              </button>
            </Notice>
          )}
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
              {shown.items.map((i) => (
                <tr key={i.id} data-testid={`instance-row-${i.id}`}>
                  <td>
                    <Link to={`/instances/${encodeURIComponent(i.id)}`} className="mono" data-testid="open-instance" title={i.id}>
                      {shortId(i.id)}
                    </Link>
                  </td>
                  <td>
                    {i.workflow_id} v{i.version}
                    {i.parent_id && (
                      <div className="muted small" title={i.parent_id}>
                        child of {shortId(i.parent_id)}
                      </div>
                    )}
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
          {total > PAGE && shown.items.length > 0 && <Pager key={shown.offset} offset={shown.offset} total={total} onGo={goTo} place="bottom" />}
        </div>
      )}
    </div>
  );
}

const pageCount = (total: number) => Math.max(1, Math.ceil(total / PAGE));
const pageOf = (offset: number) => Math.floor(offset / PAGE) + 1;
const lastOffset = (total: number) => Math.min((pageCount(total) - 1) * PAGE, MAX_OFFSET);

/** Pages of 50, newest first: to the newest, a page newer, a page by its number, a page older, the oldest. */
function Pager({ offset, total, onGo, place }: { offset: number; total: number; onGo: (offset: number) => void; place: "top" | "bottom" }) {
  const pages = pageCount(total);
  const current = pageOf(offset);
  const [typed, setTyped] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const last = lastOffset(total);
  const jump = () => {
    if (typed === null) return;
    const chosen = readPageNumber(typed, pages);
    if ("problem" in chosen) {
      setProblem(chosen.problem);
      return;
    }
    setTyped(null);
    setProblem(null);
    onGo(Math.min((chosen.page - 1) * PAGE, last));
  };
  const id = `pager-${place}`;
  return (
    <nav className="pager" aria-label={`Pages of instances (${place})`} data-testid={id}>
      <button type="button" disabled={offset === 0} onClick={() => onGo(0)} data-testid={`${id}-newest`} title="The newest instances">
        « Newest
      </button>
      <button type="button" disabled={offset === 0} onClick={() => onGo(Math.max(0, offset - PAGE))} data-testid={`${id}-newer`}>
        ‹ Newer
      </button>
      <form
        className="pager-jump"
        onSubmit={(e) => {
          e.preventDefault();
          jump();
        }}
      >
        <label>
          Page{" "}
          <input
            value={typed ?? formatCount(current)}
            onChange={(e) => {
              setTyped(e.target.value);
              setProblem(null);
            }}
            inputMode="numeric"
            size={Math.max(2, formatCount(pages).length)}
            aria-label={`Page number, 1 to ${pages}`}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? `${id}-problem` : undefined}
            data-testid={`${id}-page`}
          />{" "}
          of <span data-testid={`${id}-pages`}>{formatCount(pages)}</span>
        </label>
        <button type="submit" disabled={typed === null} data-testid={`${id}-go`}>
          Go
        </button>
        {problem && (
          <span className="field-problem" role="alert" id={`${id}-problem`} data-testid={`${id}-problem`}>
            {problem}
          </span>
        )}
      </form>
      <button type="button" disabled={offset + PAGE >= total} onClick={() => onGo(offset + PAGE)} data-testid={`${id}-older`}>
        Older ›
      </button>
      <button type="button" disabled={offset >= last} onClick={() => onGo(last)} data-testid={`${id}-oldest`} title="The oldest instances">
        Oldest »
      </button>
    </nav>
  );
}

/** A whole number ≥ 0 written in a field or the address, or undefined. */
function wholeNumber(text: string | null | undefined): number | undefined {
  if (!text || !/^\s*\d+\s*$/.test(text)) return undefined;
  return Number(text);
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
