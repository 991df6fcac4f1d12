// The canvas's automatic layout, for display (a flow without saved positions) and for the Auto-layout
// command alike: ELK in the browser for ordinary flows (its orthogonal routes keep room for labels), the
// server's Graphviz for big ones, where ELK alone takes over a second (bench/bench_ui.py, issue 12) — or
// ELK after all when the server cannot answer. Results are remembered by the graph's shape, so the canvas
// (which draws the routes) and the command (which saves the positions) share one computation.
import type { Workflow } from "../model/workflow";
import { elkGraph, runElk, type LaidOut } from "./elkLayout";
import { graphvizLayout } from "./graphvizLayout";
import type { Direction } from "./layoutDirection";

/** From this many nodes on, the server lays the flow out. */
const SERVER_LAYOUT_FROM = 150;
const CACHE_SIZE = 8;

/** Whether a graph of this many nodes is laid out by the server (the one rule the canvas and layout share). */
export function laidOutByServer(nodes: number): boolean {
  return nodes >= SERVER_LAYOUT_FROM;
}
const cache = new Map<string, Promise<LaidOut>>();

/** Lay the workflow (or a branch's machine) out in the given direction. */
export function layOutFlow(workflow: Workflow, direction: Direction): Promise<LaidOut> {
  const graph = elkGraph(workflow, direction);
  const key = JSON.stringify(graph);
  const known = cache.get(key);
  if (known) return known;
  const big = laidOutByServer(graph.children?.length ?? 0);
  const pending = (big ? graphvizLayout(graph, direction).catch(() => runElk(graph)) : runElk(graph)).catch((error: unknown) => {
    cache.delete(key);
    throw error;
  });
  cache.set(key, pending);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return pending;
}
