// What a task's action did, attempt by attempt: a one-line summary for the timeline's row ("3 tool calls ·
// 1 failed · 2 attempts") and, for the row that opens beneath it, each attempt's outcome and error and each
// tool call with its parameters, its result or error, and when it was made.
import type { ActionAttempt, ActionError, ToolStep } from "../api/types";
import { formatClock, formatCost, formatTime } from "../components/format";
import JsonPreview from "../components/JsonPreview";

const OUTCOME_LABEL: Record<ActionAttempt["outcome"], string> = {
  done: "succeeded",
  error: "failed",
  retry: "failed, tried again",
  lost: "lost with its worker",
};

interface ToolCallCounts {
  calls: number;
  failedCalls: number;
  attempts: number;
  /** The last attempt failed (or was lost with its worker): the task took its error path. */
  failed: boolean;
}

function countToolCalls(attempts: ActionAttempt[]): ToolCallCounts {
  const steps = attempts.flatMap((a) => a.steps);
  return {
    calls: steps.length,
    failedCalls: steps.filter(stepFailed).length,
    attempts: attempts.length,
    failed: attempts.length > 0 && ["error", "lost"].includes(attempts[attempts.length - 1]!.outcome),
  };
}

/** The summary a row of the timeline shows; a button that opens (or closes) the row of details. */
export function ToolCallsToggle({ attempts, open, controls, onToggle }: { attempts: ActionAttempt[]; open: boolean; controls: string; onToggle: () => void }) {
  const counts = countToolCalls(attempts);
  return (
    <button
      type="button"
      className="link tool-calls-toggle"
      aria-expanded={open}
      aria-controls={open ? controls : undefined}
      onClick={onToggle}
      data-testid="tool-calls-toggle"
      data-calls={counts.calls}
      data-failed-calls={counts.failedCalls}
      data-attempts={counts.attempts}
    >
      <span className="nowrap">
        <span aria-hidden="true">{open ? "▾" : "▸"} </span>
        {counts.calls === 0 ? "no tool calls" : plural(counts.calls, "tool call")}
      </span>
      {counts.failedCalls > 0 && <span className="nowrap error-text"> · {counts.failedCalls} failed</span>}
      {counts.attempts > 1 && <span className="nowrap warn-text"> · {counts.attempts} attempts</span>}
      {counts.failed && <span className="nowrap error-text"> · action failed</span>}
    </button>
  );
}

/** Every attempt of the action, in order, each with its tool calls. */
export function AttemptList({ attempts }: { attempts: ActionAttempt[] }) {
  return (
    <div className="attempts">
      {attempts.map((a) => (
        <section key={a.attempt} className={`attempt attempt-${a.outcome}`} data-testid="attempt" data-outcome={a.outcome} aria-label={`Attempt ${a.attempt}`}>
          <p className="attempt-heading">
            <strong>
              Attempt {a.attempt}
              {attempts.length > 1 && ` of ${attempts.length}`}
            </strong>{" "}
            · <code>{a.action}</code>
            {a.agent && (
              <>
                {" "}
                by <span className="mono">{a.agent}</span>
              </>
            )}{" "}
            · <span className={`outcome outcome-${a.outcome}`}>{OUTCOME_LABEL[a.outcome]}</span>
            <span className="muted small">
              {" "}
              · {formatTime(a.at)}
              {a.cost !== null && ` · cost ${formatCost(a.cost)}`}
            </span>
          </p>
          {a.error && (
            <p className="error-text" data-testid="attempt-error">
              {describeError(a.error)}
            </p>
          )}
          {a.steps.length === 0 ? <p className="muted small">No tool calls in this attempt.</p> : <StepTable steps={a.steps} />}
        </section>
      ))}
    </div>
  );
}

function StepTable({ steps }: { steps: ToolStep[] }) {
  return (
    <table className="table compact tool-calls">
      <thead>
        <tr>
          <th>#</th>
          <th>Tool</th>
          <th>Parameters</th>
          <th>Result or error</th>
          <th>When</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((s, i) => {
          const failed = stepFailed(s);
          return (
            <tr key={s.step_id ?? i} data-testid="tool-call" data-tool={s.action} data-status={failed ? "failed" : "ok"} className={failed ? "failed-call" : undefined}>
              <td>{i + 1}</td>
              <td className="mono" data-testid="tool-call-action">
                {s.action}
                {failed && <span className="status status-failed call-failed">failed</span>}
              </td>
              <td>
                <JsonPreview value={s.parameters} inline={80} testId="tool-call-parameters" />
              </td>
              <td>
                {failed ? (
                  <span className="error-text" data-testid="tool-call-error">
                    {describeError(s.error)}
                  </span>
                ) : (
                  <JsonPreview value={s.result} inline={80} testId="tool-call-result" />
                )}
              </td>
              <td className="small">{s.timestamp ? <time dateTime={s.timestamp}>{formatClock(s.timestamp)}</time> : "—"}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function stepFailed(step: ToolStep): boolean {
  return step.error !== undefined && step.error !== null;
}

function describeError(error: unknown): string {
  if (typeof error === "string") return error;
  if (error && typeof error === "object") {
    const { kind, message } = error as ActionError;
    if (message) return kind ? `${kind}: ${message}` : message;
    if (kind) return kind;
  }
  return JSON.stringify(error);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
