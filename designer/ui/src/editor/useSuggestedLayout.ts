// For a workflow whose `layout` does not place every state, ask the server's Graphviz layout (once per
// workflow object given) and use it to draw, without changing the definition. Auto-layout, by contrast,
// writes positions into the definition.
import { useEffect, useRef, useState } from "react";
import type { Layout } from "../api/types";
import type { Position, Workflow } from "../model/workflow";
import { layeredLayout } from "./layeredLayout";
import { fitLayout, needsLayout } from "./serverLayout";

const NONE: Readonly<Record<string, Position>> = {};

export function useSuggestedLayout(workflow: Workflow | null, fetchLayout: (workflow: Workflow) => Promise<Layout>): Readonly<Record<string, Position>> {
  const [suggested, setSuggested] = useState<Readonly<Record<string, Position>>>(NONE);
  const askedFor = useRef<Workflow | null>(null);
  const fetcher = useRef(fetchLayout);
  fetcher.current = fetchLayout;
  useEffect(() => {
    if (!workflow || askedFor.current === workflow || !needsLayout(workflow)) return;
    askedFor.current = workflow;
    fetcher
      .current(workflow)
      .then((layout) => {
        if (askedFor.current === workflow) setSuggested(fitLayout(workflow, layout));
      })
      .catch(() => {
        // Graphviz could not be asked (a draft that does not load yet, the service down): arrange it here.
        if (askedFor.current === workflow) setSuggested(layeredLayout(workflow));
      });
  }, [workflow]);
  return suggested;
}
