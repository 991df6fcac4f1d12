// A map state's progress on the instance page: "7 of 10 done, 1 failed, 2 running", read from the map's own
// history steps — each item that ends while the map goes on is an `(item)` step whose payload counts them.
import type { HistoryEntry } from "../api/types";
import { formatCount } from "../components/format";
import type { Workflow } from "../model/workflow";

export const MAP_ITEM = "(item)";

interface Counts {
  done: number;
  failed: number;
  running: number;
  total: number;
}

function countsOf(payload: unknown): Counts | null {
  if (!payload || typeof payload !== "object") return null;
  const p = payload as Record<string, unknown>;
  const n = (key: string) => (typeof p[key] === "number" ? (p[key] as number) : 0);
  return typeof p.total === "number" ? { done: n("done"), failed: n("failed"), running: n("running"), total: n("total") } : null;
}

/** The progress line of the map the instance is in, or null when it is not in a map state. */
export function mapProgress(definition: Workflow, state: string, running: boolean, history: readonly HistoryEntry[]): string | null {
  if (!running || definition.states[state]?.type !== "map") return null;
  const last = history.length ? history[history.length - 1]! : null;
  const counts = last && last.event === MAP_ITEM && last.to_state === state ? countsOf(last.payload) : null;
  if (!counts) return "Items started; none has finished yet.";
  return `${formatCount(counts.done)} of ${formatCount(counts.total)} done, ${formatCount(counts.failed)} failed, ${formatCount(counts.running)} running`;
}
