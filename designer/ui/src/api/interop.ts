// The doors in and out: an ASL, SCXML or XState document imported as a definition (nothing stored: the UI
// opens it as a new draft), and a published version exported to one of those formats.
import type { Finding } from "../model/findings";
import { fetchFile, sendJson } from "./http";
import type { components } from "./openapi.gen";

export type InteropFormat = "asl" | "scxml" | "xstate";

export const INTEROP_FORMATS: { format: InteropFormat; label: string; accept: string }[] = [
  { format: "asl", label: "AWS Step Functions (ASL)", accept: ".json,.asl.json,application/json" },
  { format: "scxml", label: "SCXML", accept: ".scxml,.xml,application/scxml+xml,text/xml" },
  { format: "xstate", label: "XState", accept: ".json,application/json" },
];

/** The findings are the editor's `Finding` (types.ts keeps it equal to the served one). */
export type ImportReport = Omit<components["schemas"]["ImportReport"], "findings"> & { findings: Finding[] };

export const importDocument = (format: InteropFormat, source: string, id: string) =>
  sendJson<ImportReport>("POST", `/api/import/${format}`, { source, id });

export const exportVersion = (workflowId: string, version: number, format: InteropFormat, allowLoss = false) =>
  fetchFile("GET", `/api/definitions/${encodeURIComponent(workflowId)}/versions/${version}/export/${format}`, undefined, allowLoss ? { allow_loss: true } : undefined);
