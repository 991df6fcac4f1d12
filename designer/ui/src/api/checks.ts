// Side-effect-free checks of unsaved editor content: validate, layout, render, simulate
// (docs/api.md § Checking, § Diagrams, § Simulation).
import { fetchFile, getJson, sendJson } from "./http";
import type { components } from "./openapi.gen";
import type { DiagramFormat, Layout, PathPlay, PathReport, PathsReport, SimulationEvent, SimulationResult, ValidationReport } from "./types";

const enc = encodeURIComponent;

export const validateDefinition = (definition: unknown) => sendJson<ValidationReport>("POST", "/api/validate", { definition });
export const layoutDefinition = (definition: unknown) => sendJson<Layout>("POST", "/api/layout", { definition });
export const renderDefinition = (definition: unknown, format: DiagramFormat) =>
  fetchFile("POST", "/api/render", { definition }, { format });

export interface DiagramQuery {
  format: DiagramFormat;
  version?: number;
  instance?: string;
}

export const definitionDiagram = (workflowId: string, query: DiagramQuery) =>
  fetchFile("GET", `/api/definitions/${enc(workflowId)}/diagram`, undefined, { ...query, download: true });
export const definitionLayout = (workflowId: string, version?: number) =>
  getJson<Layout>(`/api/definitions/${enc(workflowId)}/layout`, { version });

/** Every field has a server default; the events' `actor` and `payload` too (`SimulationEvent`). */
export type SimulationRequest = Partial<Omit<components["schemas"]["SimulationRequest"], "events">> & { events?: SimulationEvent[] | null };

export const simulate = (request: SimulationRequest) => sendJson<SimulationResult>("POST", "/api/simulate", request);
export const definitionReviewPack = (workflowId: string, version: number) =>
  fetchFile("GET", `/api/definitions/${enc(workflowId)}/versions/${version}/review`, undefined, { format: "pdf" });

/** Each path's time and cost: of editor content (declared figures), or of a published version (with its runs). */
export const draftPaths = (definition: unknown) => sendJson<PathsReport>("POST", "/api/paths", { definition });
export const versionPaths = (workflowId: string, version?: number) =>
  getJson<PathsReport>(`/api/definitions/${enc(workflowId)}/paths`, { version });

/** Which flow a path is played of: editor content, or a published version. */
export type PlayTarget = { definition: unknown } | { workflow_id: string; version: number };

/** The events that play `path` in the simulator, checked there by the server. */
export const playPath = (target: PlayTarget, path: PathReport) =>
  sendJson<PathPlay>("POST", "/api/simulate/path", { ...target, route: path.steps.map((s) => ({ state: s.state, transition: s.transition })) });
