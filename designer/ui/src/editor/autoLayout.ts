// The canvas's automatic layout, for display (a flow without saved positions) and for the Auto-layout
// command alike: ELK in the browser for ordinary flows (its orthogonal routes keep room for labels), the
// server's Graphviz for big ones, where ELK alone takes over a second (bench/bench_ui.py, issue 12) — or
// ELK after all when the server cannot answer. Results are remembered by the graph's shape, so the canvas
// (which draws the routes) and the command (which saves the positions) share one computation.
import type { Workflow } from "../model/workflow";
import { busyStates, elkGraph, runElk, type LaidOut } from "./elkLayout";
import { graphvizLayout } from "./graphvizLayout";
import type { Direction } from "./layoutDirection";

/** From this many nodes on, the server lays the flow out. */
const SERVER_LAYOUT_FROM = 150;
const CACHE_SIZE = 8;

/** Whether the server lays this flow out (the one rule the canvas and layout share): a big one, or one with a
 * busy state other than a final (see elkLayout.ts), which ELK cannot lay out in reasonable time. */
export function laidOutByServer(workflow: Workflow, busy = busyStates(workflow)): boolean {
  return Object.keys(workflow.states).length >= SERVER_LAYOUT_FROM || busy.others.size > 0;
}
const cache = new Map<string, Promise<LaidOut>>();

/** Lay the workflow (or a branch's machine) out in the given direction. */
export function layOutFlow(workflow: Workflow, direction: Direction): Promise<LaidOut> {
  const busy = busyStates(workflow);
  const graph = elkGraph(workflow, direction, busy.finals);
  const key = JSON.stringify(graph);
  const known = cache.get(key);
  if (known) return known;
  // ELK, when the server cannot: without the edges into any busy state, which it could not lay out in time
  const fallback = () => runElk(busy.others.size ? elkGraph(workflow, direction, new Set([...busy.finals, ...busy.others])) : graph);
  const pending = (laidOutByServer(workflow, busy) ? graphvizLayout(graph, direction).catch(fallback) : runElk(graph)).catch((error: unknown) => {
    cache.delete(key);
    throw error;
  });
  cache.set(key, pending);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return pending;
}
