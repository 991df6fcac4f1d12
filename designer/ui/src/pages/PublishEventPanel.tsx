// An instance waiting for an event published to the deployment (a wait state's `event`) is moved on from its page:
// "Publish event…" opens a form with the event's type and, where the wait has one, its correlation key filled in,
// a JSON payload, and what publishing it did — which instances it resumed, which refused it and why — in words.
import { useState } from "react";
import { publishEvent } from "../api/instances";
import type { EventResult } from "../api/types";
import { formatTime } from "../components/format";
import type { WaitEvent } from "../model/workflow";
import JsonTextField from "./JsonTextField";
import { readJsonObject } from "./jsonObjectText";

/** A correlation written as a path into the context (`invoice`, `order.id`, `context.order.id`): its value in
 * `context` as text, or null when it is an expression of another kind or has no such value. */
export function correlationKeyOf(correlation: string | null | undefined, context: Record<string, unknown>): string | null {
  const path = correlation?.trim() ?? "";
  if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(path)) return null;
  const find = (parts: string[]): unknown =>
    parts.reduce<unknown>((at, part) => (at !== null && typeof at === "object" && !Array.isArray(at) ? (at as Record<string, unknown>)[part] : undefined), context);
  const parts = path.split(".");
  let value = find(parts);
  if (value === undefined && parts[0] === "context") value = find(parts.slice(1));
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

/** What a publication did for this instance, in words. */
function resultWords(result: EventResult, instanceId: string): { kind: "ok" | "error"; text: string } {
  const refused = result.refused?.[instanceId];
  if (refused) return { kind: "error", text: `Published (event ${result.event_id}), but this instance refused it and goes on waiting: ${refused}` };
  if (result.duplicate) return { kind: "error", text: `Not published again: an event with that idempotency key was published before (event ${result.event_id}).` };
  const others = result.delivered.filter((id) => id !== instanceId).length;
  const also = `${others ? ` It also resumed ${others} other instance${others === 1 ? "" : "s"}` : ""}${
    result.started.length ? `${others ? " and" : " It also"} started ${result.started.length} new instance${result.started.length === 1 ? "" : "s"}` : ""
  }${others || result.started.length ? "." : ""}`;
  if (result.delivered.includes(instanceId)) return { kind: "ok", text: `Published (event ${result.event_id}): this instance took it and moved on.${also}` };
  return {
    kind: "error",
    text: `Published (event ${result.event_id}), but this instance did not take it — check the correlation key.${also}${
      result.kept_until ? ` It is kept until ${formatTime(result.kept_until)} for the first wait that arms with its key.` : ""
    }${result.unmatched && !result.kept_until ? " No instance waited for it and no workflow starts on it." : ""}`,
  };
}

export interface PublishEventPanelProps {
  instanceId: string;
  awaited: WaitEvent;
  context: Record<string, unknown>;
  /** Whether this person may publish events (the `operate` permission); else why not, in words. */
  refusedBecause: string | null;
  /** Published, and this instance took it: what it did, in words (the form goes as the instance moves on). */
  onPublished: (words: string) => void;
}

export default function PublishEventPanel({ instanceId, awaited, context, refusedBecause, onPublished }: PublishEventPanelProps) {
  const [open, setOpen] = useState(false);
  const known = correlationKeyOf(awaited.correlation, context);
  const [key, setKey] = useState(known ?? "");
  const [payload, setPayload] = useState("{}");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const read = readJsonObject(payload, '{"documents": ["passport.pdf"]}');
  const needsKey = Boolean(awaited.correlation);
  const publish = async () => {
    if (read.problem !== null) return;
    setBusy(true);
    setOutcome(null);
    try {
      const result = await publishEvent(awaited.type ?? "", read.value, key.trim() || null);
      const words = resultWords(result, instanceId);
      if (words.kind === "ok") onPublished(words.text);
      else setOutcome(words);
    } catch (e) {
      setOutcome({ kind: "error", text: `Not published: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(false);
    }
  };
  if (refusedBecause) {
    return (
      <p className="muted small" data-testid="publish-event-refused">
        <button type="button" disabled title={refusedBecause}>
          Publish event…
        </button>{" "}
        {refusedBecause}
      </p>
    );
  }
  if (!open) {
    return (
      <p>
        <button type="button" onClick={() => setOpen(true)} data-testid="publish-event-open">
          Publish event…
        </button>
      </p>
    );
  }
  return (
    <form
      className="publish-event"
      data-testid="publish-event"
      aria-label="Publish an event"
      onSubmit={(e) => {
        e.preventDefault();
        void publish();
      }}
    >
      <div className="field">
        <label htmlFor="publish-event-type">Event type</label>
        <input id="publish-event-type" className="mono" value={awaited.type ?? ""} readOnly data-testid="publish-event-type" />
      </div>
      {needsKey && (
        <div className="field">
          <label htmlFor="publish-event-key">Correlation key</label>
          <input id="publish-event-key" className="mono" value={key} onChange={(e) => setKey(e.target.value)} data-testid="publish-event-key" aria-describedby="publish-event-key-help" />
          <div className="muted small" id="publish-event-key-help">
            {known !== null ? (
              <>
                The value of <code>{awaited.correlation}</code> for this instance.
              </>
            ) : (
              <>
                The value of <code>{awaited.correlation}</code> for this instance: this instance takes only an event with that key.
              </>
            )}
          </div>
        </div>
      )}
      <JsonTextField id="publish-event-payload" label="Payload (JSON)" rows={4} value={payload} onChange={setPayload} problem={read.problem} />
      <p className="muted small">Published to the whole deployment: every instance waiting for this event with this key takes it, and workflows that start on it start.</p>
      <div className="row">
        <button type="submit" className="primary" disabled={busy || !awaited.type || read.problem !== null || (needsKey && !key.trim())} data-testid="publish-event-send">
          {busy ? "Publishing…" : "Publish"}
        </button>
        <button type="button" onClick={() => setOpen(false)} disabled={busy}>
          Close
        </button>
      </div>
      {outcome && (
        <div className={`notice notice-${outcome.kind}`} role={outcome.kind === "error" ? "alert" : "status"} data-testid="publish-event-result">
          <div className="notice-body">{outcome.text}</div>
        </div>
      )}
    </form>
  );
}
