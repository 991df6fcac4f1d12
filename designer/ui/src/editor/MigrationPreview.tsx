// What migrating the running instances of one version to the next does, per instance: the state kept, mapped
// or missing, the context valid against the new schema or not, each timer, approval, event wait, action and
// child carried or cancelled, and refused (with the reason) when it cannot be moved safely.
import type { Migration } from "../api/migration";

export function migrationSummary(m: Migration, applied = false): string {
  const verb = applied ? "migrated" : "would migrate";
  return `${m.instances} running instance${m.instances === 1 ? "" : "s"} of v${m.from_version}: ${m.would_migrate} ${verb}, ${m.refused} refused`;
}

export default function MigrationPreview({ migration, testId }: { migration: Migration; testId: string }) {
  const m = migration;
  const migrated = new Set(m.migrated);
  return (
    <div data-testid={testId}>
      <p data-testid={`${testId}-summary`}>
        <strong>{migrationSummary(m, m.applied)}</strong>
        {m.applied ? ` to v${m.to_version}.` : ` to v${m.to_version} (nothing has changed yet).`}
      </p>
      {m.refusals.length > 0 && (
        <ul className="notice-findings" data-testid={`${testId}-refusals`}>
          {m.refusals.map((r) => (
            <li key={r.reason} className="finding-warning">
              {r.instances} refused: {r.reason}
            </li>
          ))}
        </ul>
      )}
      {m.plans.length > 0 && (
        <details open={m.plans.length <= 5}>
          <summary>Each instance</summary>
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
                <tr key={p.instance_id} data-testid={`migration-plan-${p.instance_id}`}>
                  <td>
                    <code>{p.instance_id.slice(0, 12)}</code>
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
                      {p.entry === "entered" ? ", entered afresh" : ""})
                    </span>
                  </td>
                  <td>{p.context_valid ? "valid" : p.context_problems.join("; ")}</td>
                  <td>
                    {p.pending.length === 0
                      ? "—"
                      : p.pending.map((w, i) => (
                          <div key={i} className="small">
                            {w.kind.replace("_", " ")} {w.detail}: {w.outcome}
                          </div>
                        ))}
                  </td>
                  <td className={p.refused ? "finding-error" : undefined}>
                    {p.refused ? `refused: ${p.refused}` : m.applied ? (migrated.has(p.instance_id) ? "migrated" : "—") : "would migrate"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}
