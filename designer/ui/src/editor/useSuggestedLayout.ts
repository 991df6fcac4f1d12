// For a workflow whose `layout` does not place every state, lay it out (ELK, or the server's Graphviz for a
// big flow: see autoLayout.ts) once per workflow object given, and again when the person turns the layout's
// direction, and use that to draw, without changing the definition. Auto-layout, by contrast, writes
// positions into the definition. Until the layout answers, a quick layered arrangement made here stands in.
import { useEffect, useRef, useState } from "react";
import type { Position, Workflow } from "../model/workflow";
import { laidOutByServer, layOutFlow } from "./autoLayout";
import { layeredLayout } from "./layeredLayout";
import { useLayoutDirection } from "./layoutDirection";

const NONE: Readonly<Record<string, Position>> = {};
/** How long a big flow waits for its layout before the quick arrangement stands in. */
const STAND_IN_AFTER_MS = 1500;
const interim = new WeakSet<object>();

/** True when some state has no saved position (a file written by hand, or states added in the JSON). */
export function needsLayout(workflow: Workflow): boolean {
  return Object.keys(workflow.states).some((id) => !workflow.layout?.[id]);
}

/** True for the stand-in arrangement shown while the layout is still being made. */
export function isInterimLayout(positions: object): boolean {
  return interim.has(positions);
}

export function useSuggestedLayout(workflow: Workflow | null): Readonly<Record<string, Position>> {
  const direction = useLayoutDirection();
  const [suggested, setSuggested] = useState<Readonly<Record<string, Position>>>(NONE);
  const askedFor = useRef<{ workflow: Workflow; direction: string } | null>(null);
  useEffect(() => {
    if (!workflow || !needsLayout(workflow)) return;
    if (askedFor.current?.workflow === workflow && askedFor.current.direction === direction) return;
    const asked = { workflow, direction };
    const sameWorkflow = askedFor.current?.workflow === workflow;
    askedFor.current = asked;
    let standIn: number | undefined;
    const showQuick = () => {
      if (askedFor.current !== asked) return;
      const quick = layeredLayout(workflow);
      interim.add(quick);
      setSuggested(quick);
    };
    if (!sameWorkflow) {
      // A big flow's layout comes from the server in a fraction of a second: drawing 150+ states twice (the
      // stand-in, then the layout) costs more than the wait, so the stand-in shows only if the answer is slow.
      if (laidOutByServer(workflow)) standIn = window.setTimeout(showQuick, STAND_IN_AFTER_MS);
      else showQuick();
    } else {
      // A turn of direction: the old arrangement stands in until the new one comes.
      setSuggested((previous) => {
        const stand = { ...previous };
        interim.add(stand);
        return stand;
      });
    }
    layOutFlow(workflow, direction)
      .then((result) => {
        if (askedFor.current === asked) setSuggested(result.positions);
      })
      .catch(() => {
        // The layout worker could not start (a very old browser, a blocked script): keep the layered one.
        if (askedFor.current === asked) setSuggested(layeredLayout(workflow));
      })
      .finally(() => window.clearTimeout(standIn));
  }, [workflow, direction]);
  return suggested;
}
