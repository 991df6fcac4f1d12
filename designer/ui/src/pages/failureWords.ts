// An instance's error in words, cause first. The runtime records a failure the flow did not handle as
// {kind: "unhandled", message: "no transition leaves 's' on 'error'", payload: <the task's own error>}: the
// task's error is what went wrong, the missing transition only why the instance stopped on it. A failure the
// flow handled (a task's `error` transition into a final state of outcome failure) leaves no instance error:
// its reason is the payload of the step into that final state, and the action is named by that step's attempts.
import type { ActionAttempt, HistoryEntry } from "../api/types";

interface ErrorShape {
  kind?: unknown;
  message?: unknown;
  reason?: unknown;
  policy?: unknown;
  action_required?: unknown;
  attempts?: unknown;
  event?: unknown;
  payload?: unknown;
  stuck?: unknown;
  comment?: unknown; // a decision's payload
}

function asShape(value: unknown): ErrorShape | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as ErrorShape) : null;
}

/** "validation, after 2 attempts": an error's kind and attempts, for beside its message. */
function notesOf(error: ErrorShape): string {
  const attempts = typeof error.attempts === "number" ? `after ${error.attempts} attempt${error.attempts === 1 ? "" : "s"}` : null;
  return [error.kind ? String(error.kind) : null, attempts].filter(Boolean).join(", ");
}

/** One error object's own words: its message (or a policy's reason), with its kind and attempts beside it —
 * or, when the action that failed is known, "the action 'a' failed (kind, attempts): message". */
function ownWords(error: ErrorShape, action?: string): string | null {
  if (error.kind === "policy_denied" && error.reason) {
    const todo = error.action_required ? ` To go on: ${String(error.action_required)}.` : "";
    return `the policy ${String(error.policy ?? "")} denied it: ${String(error.reason)}.${todo}`;
  }
  const text = error.message ?? error.reason;
  if (!text) return null;
  const said = notesOf(error);
  if (action) return `the action '${action}' failed${said ? ` (${said})` : ""}: ${String(text)}`;
  return said ? `${String(text)} (${said})` : String(text);
}

/** What went wrong, for the banner over a failed or stuck instance (which names the state); `action` names the
 * task's action whose failure it was, when the history says. */
export function describeFailure(error: unknown, action?: string): string {
  if (typeof error === "string") return error;
  const shape = asShape(error);
  if (!shape) return JSON.stringify(error);
  const cause = asShape(shape.payload);
  const causeWords = cause ? ownWords(cause, action) : null;
  if (causeWords && shape.event === "error") {
    const stop = shape.message ? ` — and ${String(shape.message)}, so the instance stopped there` : "";
    return `${causeWords}${stop}.`;
  }
  return ownWords(shape) ?? (shape.stuck ? String(shape.stuck) : JSON.stringify(error));
}

/** The action whose last attempt failed on this step (a task's `error` row), if any. */
function failedAction(entry: HistoryEntry | undefined): ActionAttempt | null {
  const last = entry?.attempts.at(-1);
  return last && (last.outcome === "error" || last.outcome === "lost") ? last : null;
}

/** A message for a step's payload when it is an error's ({kind, message}): "validation: …"; else null. */
export function errorPayloadWords(payload: unknown): string | null {
  const shape = asShape(payload);
  if (!shape || typeof shape.message !== "string") return null;
  return shape.kind ? `${String(shape.kind)}: ${shape.message}` : shape.message;
}

export interface Stopped {
  /** "failed" or "stuck": the banner's look and test id. */
  status: "failed" | "stuck";
  /** "failed in", "ended in" or "is stuck in": what the banner says before the state. */
  lead: string;
  /** The state it failed or is stuck in (for an error the flow caught, the task's), or the failure final state
   * it ended in. */
  state: string;
  /** The rest of the sentence, after "<lead> <state>: ". */
  words: string;
}

interface InstanceLike {
  status: string;
  state: string;
  error?: unknown;
  /** The failure final state's result: its `reason` (and `action_required`), when it gives them, say why. */
  result?: unknown;
}

/**
 * Why a failed, stuck or held instance stopped, in one sentence, from the instance's error or else from the latest
 * step of its history (the one into the failure final state it ended in); null for any other status, and
 * while the history a handled failure needs has not come yet.
 */
export function whyItStopped(instance: InstanceLike, history: readonly HistoryEntry[]): Stopped | null {
  if (instance.status !== "failed" && instance.status !== "stuck") {
    // Held at a policy's gate (or any other status with an error recorded): its error says why.
    if (instance.error == null) return null;
    return { status: "failed", lead: instance.status === "held" ? "is held in" : "failed in", state: instance.state, words: describeFailure(instance.error) };
  }
  const last = [...history].reverse().find((h) => h.to_state === instance.state);
  const action = failedAction([...history].reverse().find((h) => h.from_state === instance.state && h.attempts.length > 0))?.action;
  if (instance.status === "stuck") {
    const words = instance.error == null ? "its action's attempts were lost." : describeFailure(instance.error);
    return { status: "stuck", lead: "is stuck in", state: instance.state, words };
  }
  if (instance.error != null) return { status: "failed", lead: "failed in", state: instance.state, words: describeFailure(instance.error, action) };
  return last ? handledFailure(last, instance.state, asShape(instance.result)) : null;
}

/** The step into a failure final state, in words: a task's error the flow caught ("failed in <task>: the action
 * … — the flow went on to <final>"), or the move that led there ("ended in <final>: … from <state> on reject by
 * sam"). */
function handledFailure(step: HistoryEntry, finalState: string, result: ErrorShape | null): Stopped {
  const payload = asShape(step.payload);
  const caught = step.event === "error" && payload ? ownWords(payload, failedAction(step)?.action) : null;
  if (caught && step.from_state) {
    return { status: "failed", lead: "failed in", state: step.from_state, words: `${caught} — the flow went on to its failure state '${finalState}'.` };
  }
  const from = step.from_state ?? "the start";
  const held = step.guards.find((g) => g.value && g.guard);
  const how = step.event === "(auto)" ? (held ? `because the guard ${held.guard} held` : "automatically") : `on ${step.event}${step.actor ? ` by ${step.actor}` : ""}`;
  const comment = typeof payload?.comment === "string" && payload.comment ? `: “${payload.comment}”` : "";
  const reason = typeof result?.reason === "string" && result.reason ? ` ${result.reason.replace(/[.!]?$/, ".")}` : "";
  const todo = reason && typeof result?.action_required === "string" && result.action_required ? ` To go on: ${result.action_required.replace(/[.!]?$/, ".")}` : "";
  return { status: "failed", lead: "ended in", state: finalState, words: `a final state of outcome failure, reached from ${from} ${how}${comment}.${reason}${todo}` };
}
