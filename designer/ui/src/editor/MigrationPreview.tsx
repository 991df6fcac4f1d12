// What migrating the running instances of one version to the next does: first state by state (how many
// instances, kept as they are or entered afresh, mapped or missing, their open work carried or cancelled, and
// what entering afresh starts), then per instance — the state kept, mapped or missing, the context valid
// against the new schema or not (and why), each timer, approval, event wait, action and child carried or
// cancelled, and refused (with the reason) when it cannot be moved safely. The same plans as
// `statewright migrate --dry-run` and `GET /api/definitions/{id}/migration`, in words.
import type { InstancePlan, Migration, PendingWork } from "../api/migration";
import { formatRelative, formatTime } from "../components/format";

export function migrationSummary(m: Migration, applied = false): string {
  const verb = applied ? "migrated" : "would migrate";
  return `${m.instances} running instance${m.instances === 1 ? "" : "s"} of v${m.from_version}: ${m.would_migrate} ${verb}, ${m.refused} refused`;
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

/** The open work of some instances, counted by kind and outcome: "3 approvals cancelled · 6 timers cancelled". */
function countWork(plans: readonly InstancePlan[]): string {
  const counts = new Map<string, number>();
  for (const p of plans) for (const w of p.pending) counts.set(`${w.kind}|${w.outcome}`, (counts.get(`${w.kind}|${w.outcome}`) ?? 0) + 1);
  if (counts.size === 0) return "none";
  return [...counts]
    .map(([key, n]) => {
      const [kind, outcome] = key.split("|") as [string, string];
      const [one, many] = KINDS[kind] ?? [kind, `${kind}s`];
      return `${n} ${n === 1 ? one : many} ${OUTCOMES[outcome] ?? outcome}`;
    })
    .join(" · ");
}

function where(p: InstancePlan, to: number) {
  if (p.state_change === "missing") return <span className="finding-error">not in v{to}: map it to one of its states</span>;
  const target = p.target_state ?? p.state;
  const how = p.entry === "carried" ? "kept as it is" : p.state_change === "mapped" ? "mapped, entered afresh" : `entered afresh (it changed in v${to})`;
  return (
    <>
      {p.state_change === "mapped" && "→ "}
      <code>{target}</code> <span className="muted">— {how}</span>
    </>
  );
}

/** Refused (why), would migrate or migrated, and what entering the state afresh starts (the plan's notes). */
function OutcomeCell({ plan: p, migration: m, migrated, notes }: { plan: InstancePlan; migration: Migration; migrated: ReadonlySet<string>; notes: readonly string[] }) {
  const said = p.refused ? `refused: ${p.refused}` : m.applied ? (migrated.has(p.instance_id) ? "migrated" : "—") : "would migrate";
  return (
    <td className={p.refused ? "finding-error" : undefined}>
      {said}
      {notes.map((n) => (
        <div key={n} className="small muted">
          {n}
        </div>
      ))}
    </td>
  );
}

/** The context problems of some plans, each said once. */
function contextProblems(plans: readonly InstancePlan[]): string[] {
  return [...new Set(plans.flatMap((p) => (p.context_valid ? [] : p.context_problems.map(describeContextProblem))))];
}

interface Group {
  key: string;
  plans: InstancePlan[];
}

function byState(plans: readonly InstancePlan[]): Group[] {
  const groups = new Map<string, InstancePlan[]>();
  for (const p of plans) {
    const key = [p.state, p.target_state, p.state_change, p.entry, p.refused].join("|");
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups].map(([key, members]) => ({ key, plans: members }));
}

const shortId = (id: string) => (id.length > 18 ? `${id.slice(0, 12)}…${id.slice(-4)}` : id);

export default function MigrationPreview({ migration, testId }: { migration: Migration; testId: string }) {
  const m = migration;
  const migrated = new Set(m.migrated);
  const groups = byState(m.plans);
  return (
    <div className="migration-preview" data-testid={testId}>
      <p data-testid={`${testId}-summary`}>
        <strong>{migrationSummary(m, m.applied)}</strong>
        {m.applied ? ` to v${m.to_version}.` : ` to v${m.to_version} (nothing has changed yet).`}
      </p>
      {m.refusals.length > 0 && (
        <ul className="notice-findings" data-testid={`${testId}-refusals`}>
          {m.refusals.map((r) => {
            const refused = m.plans.filter((p) => p.refused === r.reason);
            const problems = contextProblems(refused);
            const alsoContext = refused.some((p) => p.state_change === "missing") && problems.length > 0;
            return (
              <li key={r.reason} className="finding-warning">
                {r.instances} refused: {r.reason}
                {problems.length > 0 && (alsoContext ? `; their context does not fit v${m.to_version} either: ` : ": ")}
                {problems.length > 0 && problems.join("; ")}
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
            {groups.map(({ key, plans }) => {
              const p = plans[0]!;
              const notes = [...new Set(plans.flatMap((x) => x.notes))];
              return (
                <tr key={key} data-testid={`migration-state-${p.state}`}>
                  <td>
                    <code>{p.state}</code>
                  </td>
                  <td>{where(p, m.to_version)}</td>
                  <td>{plans.length}</td>
                  <td>{countWork(plans)}</td>
                  <OutcomeCell plan={p} migration={m} migrated={migrated} notes={notes} />
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {m.plans.length > 0 && (
        <details open={m.plans.length <= 3}>
          <summary>Each instance ({m.plans.length})</summary>
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
              {m.plans.map((p) => (
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
                    <span className="muted small">
                      ({p.state_change}
                      {p.entry === "entered" ? ", entered afresh" : p.entry === "carried" ? ", as it is" : ""})
                    </span>
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
                  <OutcomeCell plan={p} migration={m} migrated={migrated} notes={p.notes} />
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      {m.plans.length > 0 && !m.applied && (
        <p className="muted small" data-testid={`${testId}-legend`}>
          <strong>Kept as it is</strong>: its open work is carried — an approval keeps its decisions, a timer its due time. <strong>Entered afresh</strong>: the state changed
          in v{m.to_version} (or the instance is mapped to another state), so what was open is cancelled and the state starts again as on arrival — a new approval
          (decisions taken so far are dropped), timers from now, its action run again. <strong>Refused</strong>: it stays on v{m.from_version}, untouched.
        </p>
      )}
    </div>
  );
}
