// What migrating the running instances of one version to the next does: first state by state (how many
// instances, kept as they are or entered afresh, mapped or missing, their open work carried or cancelled, and
// what entering afresh starts), then per instance — the state kept, mapped or missing, the context valid
// against the new schema or not (and why), each timer, approval, event wait, action and child carried or
// cancelled, and refused (with the reason and what would let it move) when it cannot be moved safely. The same plans as
// `statewright migrate --dry-run` and `GET /api/definitions/{id}/migration`, in words. The server groups the
// instances (however many) and lists their plans a page at a time: "Show more" asks for the next page.
import { useRef, useState } from "react";
import { ApiError } from "../api/http";
import type { InstancePlan, Migration, PendingWork, PlanGroup, PlanPageQuery, WorkCount } from "../api/migration";
import { formatCount, formatRelative, formatTime } from "../components/format";

export function migrationSummary(m: Migration, applied = false): string {
  const verb = applied ? "migrated" : "would migrate";
  return `${formatCount(m.instances)} running instance${m.instances === 1 ? "" : "s"} of v${m.from_version}: ${formatCount(m.would_migrate)} ${verb}, ${formatCount(m.refused)} refused`;
}

const RFC3339 = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g;

/** A piece of open work in words, its times as a person reads them ("due 7 Dec 2026, 05:23 (in 2 days)"), an
 * approval with its approvals so far ("quorum 2, 1 approval so far"). */
export function describeWork(w: Pick<PendingWork, "kind" | "detail" | "approvals">): string {
  const detail = w.detail.replace(RFC3339, (iso) => `${formatTime(iso)} (${formatRelative(iso)})`);
  const soFar = typeof w.approvals === "number" ? `, ${w.approvals} approval${w.approvals === 1 ? "" : "s"} so far` : "";
  return `${KINDS[w.kind]?.[0] ?? w.kind} ${detail}${soFar}`;
}

/** A context problem without the JSON pointer's slashes: "/: 'x' is required" → "'x' is required". */
export function describeContextProblem(problem: string): string {
  const match = /^\/([^:]*): (.*)$/s.exec(problem);
  if (!match) return problem;
  const [, path, message] = match;
  return path ? `${path.split("/").join(".")}: ${message}` : message!;
}

const KINDS: Record<string, [string, string]> = {
  timer: ["timer", "timers"],
  event_wait: ["event wait", "event waits"],
  approval: ["approval", "approvals"],
  action: ["action", "actions"],
  child: ["child instance", "child instances"],
};
const OUTCOMES: Record<string, string> = { carried: "carried", cancelled: "cancelled", untouched: "left as it is" };

/** A group's open work, counted by kind and outcome: "3 approvals cancelled · 6 timers cancelled". */
function countWork(work: readonly WorkCount[]): string {
  if (work.length === 0) return "none";
  return work
    .map(({ kind, outcome, count: n }) => {
      const [one, many] = KINDS[kind] ?? [kind, `${kind}s`];
      return `${formatCount(n)} ${n === 1 ? one : many} ${OUTCOMES[outcome] ?? outcome}`;
    })
    .join(" · ");
}

type Where = Pick<InstancePlan, "state" | "target_state" | "state_change" | "entry">;

/** What happens to an instance's state, in words, for its row: "same state, as it is", "same state, started
 * again: it changed in v2", "moved there, started again", "not in v2". */
function planWords(p: Where, to: number): string {
  if (p.state_change === "missing") return `not in v${to}`;
  if (p.entry === "awaits_redrive") return p.state_change === "mapped" ? "moved there, failed: a redrive resumes it" : "same state, failed: a redrive resumes it";
  const again = p.entry === "entered";
  if (p.state_change === "mapped") return again ? "moved there, started again" : "moved there";
  if (p.entry === "carried") return "same state, as it is";
  return again ? `same state, started again: it changed in v${to}` : "same state";
}

function where(p: Where, to: number) {
  if (p.state_change === "missing") return <span className="finding-error">not in v{to}: map it to one of its states</span>;
  const target = p.target_state ?? p.state;
  const how = p.entry === "awaits_redrive" ? "moved as it is, still failed: a redrive then resumes it in this version"
    : p.entry === "carried" ? "kept as it is" : p.state_change === "mapped" ? "mapped, entered afresh" : `entered afresh (it changed in v${to})`;
  return (
    <>
      {p.state_change === "mapped" && "→ "}
      <code>{target}</code> <span className="muted">— {how}</span>
    </>
  );
}

/** Refused (why), would migrate or migrated (an apply migrates each instance it does not refuse), and what
 * entering the state afresh starts (the plan's or group's notes). */
function OutcomeCell({ refused, applied, notes }: { refused: string | null; applied: boolean; notes: readonly string[] }) {
  const said = refused ? `refused: ${refused}` : applied ? "migrated" : "would migrate";
  return (
    <td className={refused ? "finding-error" : undefined}>
      {said}
      {notes.map((n) => (
        <div key={n} className="small muted">
          {n}
        </div>
      ))}
    </td>
  );
}

/** The context problems of some groups, each said once. */
function contextProblems(groups: readonly PlanGroup[]): string[] {
  return [...new Set(groups.flatMap((g) => g.context_problems.map(describeContextProblem)))];
}

const groupKey = (g: PlanGroup) => [g.state, g.target_state, g.state_change, g.entry, g.refused].join("|");

interface Shown {
  of: Migration;
  state: string | null; // listing one state's instances only
  plans: InstancePlan[];
  next: string | null;
}

/** The plans shown: the answer's page (or the first of one state's instances), then each page "Show more"
 * brought; `next` the cursor of the page after. Another answer (a new mapping) starts again from its own first
 * page; a page that comes back for an answer or a listing no longer shown is dropped. */
function usePages(m: Migration, more?: (page: PlanPageQuery) => Promise<Migration>) {
  const first: Shown = { of: m, state: null, plans: m.plans, next: m.next };
  const [pages, setPages] = useState<Shown>(first);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const asked = useRef(0);
  const shown = pages.of === m ? pages : first;
  if (shown !== pages) setPages(shown);
  const load = async (state: string | null, after: string | null, before: InstancePlan[]) => {
    const ask = ++asked.current;
    setError(null);
    if (!more || (state === null && after === null)) {
      setPages(first);
      return;
    }
    setBusy(true);
    try {
      const page = await more({ after: after ?? undefined, state: state ?? undefined });
      if (ask === asked.current) setPages((now) => (now.of === m ? { of: m, state, plans: [...before, ...page.plans], next: page.next } : now));
    } catch (e) {
      if (ask === asked.current) setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      if (ask === asked.current) setBusy(false);
    }
  };
  return {
    ...shown,
    busy,
    error,
    showMore: more && shown.next ? () => load(shown.state, shown.next, shown.plans) : undefined,
    listState: more ? (state: string | null) => load(state, null, []) : undefined,
  };
}

const shortId = (id: string) => (id.length > 18 ? `${id.slice(0, 12)}…${id.slice(-4)}` : id);

export interface MigrationPreviewProps {
  migration: Migration;
  testId: string;
  /** A page of plans (absent: no other page is asked for, as after an apply). */
  more?: (page: PlanPageQuery) => Promise<Migration>;
}

export default function MigrationPreview({ migration, testId, more }: MigrationPreviewProps) {
  const m = migration;
  const groups = m.groups;
  const pages = usePages(m, more);
  const [expanded, setExpanded] = useState(m.instances <= 3);
  const listed = pages.state === null ? m.instances : groups.filter((g) => g.state === pages.state).reduce((n, g) => n + g.instances, 0);
  const listState = (state: string | null) => {
    setExpanded(true);
    void pages.listState?.(state);
  };
  return (
    <div className="migration-preview" data-testid={testId}>
      <p data-testid={`${testId}-summary`}>
        <strong>{migrationSummary(m, m.applied)}</strong>
        {m.applied ? ` to v${m.to_version}.` : ` to v${m.to_version} (nothing has changed yet).`}
      </p>
      {m.refusals.length > 0 && (
        <ul className="notice-findings" data-testid={`${testId}-refusals`}>
          {m.refusals.map((r) => {
            const refused = groups.filter((g) => g.refused === r.reason);
            const problems = contextProblems(refused);
            const alsoContext = refused.some((g) => g.state_change === "missing") && problems.length > 0;
            return (
              <li key={r.reason} className="finding-warning">
                {formatCount(r.instances)} refused: {r.reason}
                {problems.length > 0 && (
                  <div className="small" data-testid={`${testId}-refused-context`}>
                    {alsoContext ? `Their context does not fit v${m.to_version} either: ` : "What does not fit: "}
                    {problems.join("; ")}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {groups.length > 0 && (
        <table className="table compact migration-by-state" data-testid={`${testId}-by-state`}>
          <caption>State by state</caption>
          <thead>
            <tr>
              <th>In v{m.from_version}</th>
              <th>In v{m.to_version}</th>
              <th>Instances</th>
              <th>Their open work</th>
              <th>{m.applied ? "What happened" : "What happens"}</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={groupKey(g)} data-testid={`migration-state-${g.state}`}>
                <td>
                  <code>{g.state}</code>
                </td>
                <td>{where(g, m.to_version)}</td>
                <td className="nowrap">
                  {formatCount(g.instances)}
                  {pages.listState && m.next !== null && (
                    <>
                      {" "}
                      <button type="button" className="link small" onClick={() => listState(g.state)} data-testid={`migration-list-${g.state}`} title={`List the instances in ${g.state}`}>
                        list
                      </button>
                    </>
                  )}
                </td>
                <td>{countWork(g.work)}</td>
                <OutcomeCell refused={g.refused} applied={m.applied} notes={g.notes} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {m.instances > 0 && (
        <details open={expanded} onToggle={(e) => setExpanded(e.currentTarget.open)}>
          <summary data-testid={`${testId}-each`}>
            {pages.state === null ? "Each instance" : <>Each instance in <code>{pages.state}</code></>} ({formatCount(listed)})
          </summary>
          {pages.state !== null && (
            <p className="small">
              <button type="button" className="link" onClick={() => listState(null)} data-testid={`${testId}-list-all`}>
                List every instance ({formatCount(m.instances)})
              </button>
            </p>
          )}
          <table className="table compact" data-testid={`${testId}-table`}>
            <thead>
              <tr>
                <th>Instance</th>
                <th>State</th>
                <th>Context</th>
                <th>Open work</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {pages.plans.map((p) => (
                <tr key={p.instance_id} data-testid={`migration-plan-${p.instance_id}`} data-change={p.state_change} data-entry={p.entry ?? ""} data-refused={p.refused ? "true" : "false"}>
                  <td className="nowrap">
                    <a className="mono" href={`/instances/${encodeURIComponent(p.instance_id)}`} target="_blank" rel="noopener" title={`${p.instance_id} (opens in a new tab)`}>
                      {shortId(p.instance_id)}
                    </a>
                  </td>
                  <td>
                    <code>{p.state}</code>
                    {p.target_state && p.target_state !== p.state && (
                      <>
                        {" → "}
                        <code>{p.target_state}</code>
                      </>
                    )}{" "}
                    <span className="muted small" data-testid="migration-plan-state">({planWords(p, m.to_version)})</span>
                  </td>
                  <td>{p.context_valid ? "valid" : p.context_problems.map(describeContextProblem).join("; ")}</td>
                  <td>
                    {p.pending.length === 0
                      ? "—"
                      : p.pending.map((w, i) => (
                          <div key={i} className="small">
                            {describeWork(w)}: <strong>{OUTCOMES[w.outcome] ?? w.outcome}</strong>
                          </div>
                        ))}
                  </td>
                  <OutcomeCell refused={p.refused} applied={m.applied} notes={p.notes} />
                </tr>
              ))}
            </tbody>
          </table>
          {pages.plans.length < listed && (
            <p className="row small" data-testid={`${testId}-pages`}>
              <span className="muted">
                {formatCount(pages.plans.length)} of {formatCount(listed)} shown
                {m.applied ? " (each migrated instance's history records its move)" : ""}
              </span>
              {pages.showMore && (
                <button type="button" disabled={pages.busy} onClick={() => void pages.showMore?.()} data-testid={`${testId}-more`}>
                  {pages.busy ? "Loading…" : "Show more"}
                </button>
              )}
            </p>
          )}
          {pages.error && <p className="field-problem">{pages.error}</p>}
        </details>
      )}
      {m.instances > 0 && !m.applied && (
        <p className="muted small" data-testid={`${testId}-legend`}>
          <strong>Kept as it is</strong>: its open work is carried — an approval keeps its decisions, a timer its due time. <strong>Entered afresh</strong>: the state changed
          in v{m.to_version} (or the instance is mapped to another state), so what was open is cancelled and the state starts again as on arrival — a new approval
          (decisions taken so far are dropped), timers from now, its action run again. <strong>Refused</strong>: it stays on v{m.from_version}, untouched, and runs on
          there; its reason says what would let a later migration move it.
        </p>
      )}
    </div>
  );
}
