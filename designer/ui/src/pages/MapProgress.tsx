// A map state's progress on the instance page: "7 of 10 done, 1 failed, 2 running", read from the map's own
// history steps — each item's end is an `(item)` step whose payload counts them — and, once the map ended, its
// totals from the items' counts: "3 of 6 done, 1 failed, 2 never started (#4–#5)".
import type { HistoryEntry } from "../api/types";
import { formatCount } from "../components/format";
import type { Workflow } from "../model/workflow";

export const MAP_ITEM = "(item)";

interface Counts {
  done: number;
  failed: number;
  running: number; // the items running after the step: `active` (at most max_concurrency) where the row has it
  endedUnheard: number; // items that had ended, their own rows just after this one
  total: number;
}

function countsOf(payload: unknown): Counts | null {
  if (!payload || typeof payload !== "object") return null;
  const p = payload as Record<string, unknown>;
  const n = (key: string) => (typeof p[key] === "number" ? (p[key] as number) : 0);
  if (typeof p.total !== "number") return null;
  const running = typeof p.active === "number" ? n("active") : n("running"); // rows written before `active`
  return { done: n("done"), failed: n("failed"), running, endedUnheard: n("ended_unheard"), total: n("total") };
}

/** The progress line of the map the instance is in, or null when it is not in a map state. */
export function mapProgress(definition: Workflow, state: string, running: boolean, history: readonly HistoryEntry[]): string | null {
  if (!running || definition.states[state]?.type !== "map") return null;
  const last = history.length ? history[history.length - 1]! : null;
  const counts = last && last.event === MAP_ITEM && last.to_state === state ? countsOf(last.payload) : null;
  if (!counts) return "Items started; none has finished yet.";
  const ended = counts.endedUnheard ? `, ${formatCount(counts.endedUnheard)} more ended` : "";
  return `${formatCount(counts.done)} of ${formatCount(counts.total)} done, ${formatCount(counts.failed)} failed, ${formatCount(counts.running)} running${ended}`;
}

/** How many items a map's list holds, from a step of its visit: an `(item)` step, or the map's `done` or
 * `map_failed` error, each says `total`; null for another step. */
export function listLength(entry: HistoryEntry | undefined): number | null {
  const payload = entry?.payload;
  if (!payload || typeof payload !== "object") return null;
  const total = (payload as Record<string, unknown>).total;
  return typeof total === "number" ? total : null;
}

const ENDED_ORDER = ["failed", "cancelled", "stuck", "held", "running"];

/** The totals of a map visit that ended, from its items' counts by status and the list's length (null: not
 * known): "500 of 500 done", "3 of 6 done, 1 failed, 2 never started (#4–#5)". Items start in item order, so
 * those never started are the last ones. */
export function mapTotals(counts: Record<string, number>, length: number | null): string {
  const started = Object.values(counts).reduce((a, b) => a + b, 0);
  const done = counts.succeeded ?? 0;
  const parts = [length === null ? `${formatCount(done)} done` : `${formatCount(done)} of ${formatCount(length)} done`];
  for (const status of ENDED_ORDER) if (counts[status]) parts.push(`${formatCount(counts[status])} ${status}`);
  if (length !== null && length > started) {
    const range = length - started === 1 ? `#${started}` : `#${started}–#${length - 1}`;
    parts.push(`${formatCount(length - started)} never started (${range})`);
  }
  return parts.join(", ");
}
