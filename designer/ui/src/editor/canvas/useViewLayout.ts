// A flow shown read-only (a published version, an instance's flow in the monitor, a draft one may only read)
// and turned to another direction: its saved places would stay where they are whatever the direction, the
// transitions snaking between handles on the new axis. It is laid out again in that direction for viewing only:
// nothing is saved, no draft is edited, nothing is there to undo. (The editable canvas saves the new places as
// one edit instead: see FlowCanvas' `turn`.)
import { useEffect, useMemo, useReducer } from "react";
import type { Position, Workflow } from "../../model/workflow";
import { layOutFlow } from "../autoLayout";
import { savedDirection, type Direction } from "../layoutDirection";

interface ViewLayout {
  direction: Direction;
  positions: Readonly<Record<string, Position>>;
}

/** Kept per workflow object, so the canvas drawn again (a tab shown again) keeps the drawing. */
const viewLayouts = new WeakMap<Workflow, ViewLayout>();

export interface ViewedFlow {
  /** The workflow to draw: without its saved places while a layout for viewing stands in for them. */
  drawn: Workflow;
  /** The positions for states `drawn` does not place: the layout for viewing, or else `suggested`. */
  shownLayout: Readonly<Record<string, Position>>;
  /** Turned, and its layout in the new direction not there yet. */
  turning: boolean;
  /** The direction of the layout for viewing, while one is drawn. */
  direction: Direction | null;
}

/** `viewOnly`: the canvas cannot edit the flow. `wanted`: the direction the person turned it to here (null until
 * then: the saved places are drawn as they are). `suggested`: the display positions the page gives. */
export function useViewLayout(workflow: Workflow, viewOnly: boolean, wanted: Direction | null, suggested: Readonly<Record<string, Position>>): ViewedFlow {
  const [, laidOut] = useReducer((n: number) => n + 1, 0);
  const view = viewOnly ? viewLayouts.get(workflow) : undefined;
  const drawn = useMemo((): Workflow => {
    if (!view) return workflow;
    const { layout: _saved, ...unplaced } = workflow;
    return unplaced;
  }, [workflow, view]);
  const hasSavedPlaces = Object.keys(workflow.states).some((id) => workflow.layout?.[id]);
  // Not turned here (or laid out in that direction already): the saved places as they are.
  const turning = viewOnly && hasSavedPlaces && wanted !== null && (view ? view.direction !== wanted : wanted !== savedDirection(workflow));
  useEffect(() => {
    if (!turning || wanted === null) return;
    let current = true;
    const keep = (positions: Readonly<Record<string, Position>>) => {
      if (!current) return;
      viewLayouts.set(workflow, { direction: wanted, positions });
      laidOut();
    };
    // No layout to be had (the layout worker could not start): the saved places stay.
    layOutFlow(workflow, wanted).then(({ positions }) => keep(positions), () => keep(workflow.layout ?? {}));
    return () => {
      current = false;
    };
  }, [workflow, wanted, turning]);
  return { drawn, shownLayout: view?.positions ?? suggested, turning, direction: view?.direction ?? null };
}
