// The canvas's automatic layout, for display (a flow without saved positions) and for the Auto-layout
// command alike: ELK in the browser for ordinary flows (its orthogonal routes keep room for labels), the
// server's Graphviz for big ones, where ELK alone takes over a second (bench/bench_ui.py, issue 12) — or
// ELK after all when the server cannot answer. Busy states are set apart (busyStates.ts). Results are
// remembered by the graph's shape, so the canvas (which draws the routes) and the command (which saves the
// positions) share one computation.
import type { Workflow } from "../model/workflow";
import { busyStates, setApart } from "./busyStates";
import { elkGraph, runElk, type LaidOut } from "./elkLayout";
import { graphvizLayout } from "./graphvizLayout";
import type { Direction } from "./layoutDirection";

/** From this many nodes on, the server lays the flow out. */
const SERVER_LAYOUT_FROM = 150;
const CACHE_SIZE = 8;

/** Whether the server lays this flow out (the one rule the canvas and layout share): a big one, or one with a
 * busy state other than a final (see busyStates.ts), which ELK cannot lay out in reasonable time. */
export function laidOutByServer(workflow: Workflow, busy = busyStates(workflow)): boolean {
  return Object.keys(workflow.states).length >= SERVER_LAYOUT_FROM || busy.others.size > 0;
}
const cache = new Map<string, Promise<LaidOut>>();

/** Lay the workflow (or a branch's machine) out in the given direction. */
export function layOutFlow(workflow: Workflow, direction: Direction): Promise<LaidOut> {
  const busy = busyStates(workflow);
  const server = laidOutByServer(workflow, busy);
  // The server is sent every edge and sets busy states apart itself; ELK gets the graph without them.
  const apart = new Set(server ? [...busy.finals, ...busy.others] : busy.finals);
  const graph = elkGraph(workflow, direction, server ? new Set() : apart);
  const key = JSON.stringify(graph);
  const known = cache.get(key);
  if (known) return known;
  const byElk = () => runElk(server ? elkGraph(workflow, direction, apart) : graph).then((laid) => setApart(laid, workflow, apart, direction));
  const pending = (server ? graphvizLayout(graph, direction).catch(byElk) : byElk()).catch((error: unknown) => {
    cache.delete(key);
    throw error;
  });
  cache.set(key, pending);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return pending;
}
