// A big flow laid out by the server's Graphviz (POST /api/layout/canvas, designer/canvas_layout.py): for
// 300 states `dot` answers in about a tenth of a second where ELK in the browser takes over one. It is sent
// the graph ELK would get (the same node sizes, in the same flow order), with every edge: it sets the busy
// states apart itself, as the browser does after ELK (busyStates.ts), so the canvas draws either result the
// same way; its routes are polylines with the label at their middle.
import type { ElkNode } from "elkjs/lib/elk-api.js";
import { sendJson } from "../api/http";
import type { CanvasGraph, CanvasLayout } from "../api/types";
import type { EdgeRoute, LaidOut } from "./elkLayout";
import type { Direction } from "./layoutDirection";

/** The node a port id (`state::in`, `state::out`) belongs to. */
const owner = (port: string | undefined) => (port ?? "").replace(/::(in|out)$/, "");

export async function graphvizLayout(graph: ElkNode, direction: Direction): Promise<LaidOut> {
  const body: CanvasGraph = {
    direction,
    nodes: (graph.children ?? []).map((n) => ({ id: n.id, width: n.width ?? 1, height: n.height ?? 1 })),
    edges: (graph.edges ?? []).map((e) => ({ id: e.id, source: owner(e.sources[0]), target: owner(e.targets[0]) })),
  };
  const laid = await sendJson<CanvasLayout>("POST", "/api/layout/canvas", body);
  const positions: LaidOut["positions"] = {};
  for (const [id, p] of Object.entries(laid.positions)) positions[id] = { x: Math.round(p.x), y: Math.round(p.y) };
  const routes: Record<string, EdgeRoute> = {};
  for (const [id, points] of Object.entries(laid.routes)) routes[id] = { points, label: null };
  return { positions, routes };
}
