// What the editor's canvas marks: the simulation's path while simulating, otherwise the findings.
import { useMemo } from "react";
import type { SimulationResult } from "../api/types";
import { faultMarks, type Finding } from "../model/findings";
import type { Workflow } from "../model/workflow";
import type { Mark, Marks } from "./marks";
import { pathMarks } from "./pathMarks";

export function useEditorMarks(workflow: Workflow, findings: readonly Finding[], simulation: SimulationResult | null): Marks {
  return useMemo(() => {
    if (simulation) return pathMarks(workflow, simulation.steps, simulation.state);
    const faults = faultMarks(findings);
    return {
      states: new Map<string, Mark>(faults.states),
      transitions: new Map<number, Mark>(faults.transitions),
    };
  }, [workflow, findings, simulation]);
}
