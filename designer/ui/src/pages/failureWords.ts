// An instance's error in words, cause first. The runtime records a failure the flow did not handle as
// {kind: "unhandled", message: "no transition leaves 's' on 'error'", payload: <the task's own error>}: the
// task's error is what went wrong, the missing transition only why the instance stopped on it.

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
}

function asShape(value: unknown): ErrorShape | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as ErrorShape) : null;
}

/** One error object's own words: its message (or a policy's reason), with its kind and attempts beside it. */
function ownWords(error: ErrorShape): string | null {
  if (error.kind === "policy_denied" && error.reason) {
    const todo = error.action_required ? ` To go on: ${String(error.action_required)}.` : "";
    return `the policy ${String(error.policy ?? "")} denied it: ${String(error.reason)}.${todo}`;
  }
  const text = error.message ?? error.reason;
  if (!text) return null;
  const notes = [error.kind ? String(error.kind) : null, typeof error.attempts === "number" ? `after ${error.attempts} attempt${error.attempts === 1 ? "" : "s"}` : null];
  const said = notes.filter(Boolean).join(", ");
  return said ? `${String(text)} (${said})` : String(text);
}

/** What went wrong, for the banner over a failed or stuck instance (which names the state). */
export function describeFailure(error: unknown): string {
  if (typeof error === "string") return error;
  const shape = asShape(error);
  if (!shape) return JSON.stringify(error);
  const cause = asShape(shape.payload);
  const causeWords = cause ? ownWords(cause) : null;
  if (causeWords && shape.event === "error") {
    const stop = shape.message ? ` — and ${String(shape.message)}, so the instance stopped there` : "";
    return `${causeWords}${stop}.`;
  }
  return ownWords(shape) ?? (shape.stuck ? String(shape.stuck) : JSON.stringify(error));
}
