// For a workflow whose `layout` does not place every state, lay it out (ELK, or the server's Graphviz for a
// big flow: see autoLayout.ts) and use that to draw, without changing the definition, again when the person
// turns the layout's direction. Auto-layout, by contrast, writes positions into the definition. Until the
// layout answers, a quick layered arrangement made here stands in.
//
// A page showing a given definition (a version, an instance's) lays out each workflow object it is given. The
// designer edits one document (`follow: "edits"`): it is laid out again only when a state is left without a
// place — a flow pasted whole into the JSON view, states added there — so the states of a flow without saved
// positions stay put while it is edited (a renamed state keeps its place).
import { useEffect, useRef, useState } from "react";
import type { Position, Workflow } from "../model/workflow";
import { laidOutByServer, layOutFlow } from "./autoLayout";
import { layeredLayout } from "./layeredLayout";
import { useLayoutDirection } from "./layoutDirection";

const NONE: Readonly<Record<string, Position>> = {};
/** How long a big flow waits for its layout before the quick arrangement stands in. */
const STAND_IN_AFTER_MS = 1500;
const interim = new WeakSet<object>();
const carried = new WeakSet<object>();

/** True when some state has no saved position (a file written by hand, or states added in the JSON). */
export function needsLayout(workflow: Workflow): boolean {
  return Object.keys(workflow.states).some((id) => !workflow.layout?.[id]);
}

/** True for the stand-in arrangement shown while the layout is still being made. */
export function isInterimLayout(positions: object): boolean {
  return interim.has(positions);
}

/** True for a layout carried over an edit (a state renamed): the same drawing, nothing to frame again. */
export function isCarriedLayout(positions: object): boolean {
  return carried.has(positions);
}

/** The states a layout of `workflow` would place: those without a saved position. */
function unplaced(workflow: Workflow): string[] {
  return Object.keys(workflow.states).filter((id) => !workflow.layout?.[id]);
}

interface Asked {
  workflow: Workflow;
  direction: string;
  /** The states the layout asked for (or carried over since) places. */
  covers: Set<string>;
  /** States renamed since it was asked (from, to), in order: its answer names them as they were. */
  renamed: [string, string][];
}

/** A layout's positions under the states' names now: each renamed state at the place of its old name. */
function renamedPositions(positions: Readonly<Record<string, Position>>, renamed: [string, string][]): Readonly<Record<string, Position>> {
  if (renamed.length === 0) return positions;
  const now: Record<string, Position> = { ...positions };
  for (const [from, to] of renamed) {
    const place = now[from];
    delete now[from];
    if (place) now[to] = place;
  }
  return now;
}

export interface SuggestedLayoutOptions {
  /** "each" (the default): lay out each workflow object given. "edits": the same document as it is edited —
   * lay it out again only when one of its states has no place. */
  follow?: "each" | "edits";
}

export function useSuggestedLayout(workflow: Workflow | null, { follow = "each" }: SuggestedLayoutOptions = {}): Readonly<Record<string, Position>> {
  const direction = useLayoutDirection();
  const [suggested, setSuggested] = useState<Readonly<Record<string, Position>>>(NONE);
  const askedFor = useRef<Asked | null>(null);
  const shown = useRef(suggested);
  shown.current = suggested;
  useEffect(() => {
    if (!workflow || !needsLayout(workflow)) return;
    const before = askedFor.current;
    const sameDirection = before?.direction === direction;
    if (sameDirection && before.workflow === workflow) return;
    const missing = before ? unplaced(workflow).filter((id) => !before.covers.has(id)) : [];
    if (follow === "edits" && before && sameDirection) {
      if (missing.length === 0) return;
      // One state without a place where one placed state is gone: a rename. It keeps the old one's place.
      const gone = [...before.covers].filter((id) => !(id in workflow.states));
      const place = gone.length === 1 ? shown.current[gone[0]!] : undefined;
      if (missing.length === 1 && place) {
        before.covers = new Set([...before.covers].filter((id) => id !== gone[0]).concat(missing));
        before.renamed.push([gone[0]!, missing[0]!]);
        const next = { ...shown.current, [missing[0]!]: place };
        carried.add(next);
        if (interim.has(shown.current)) interim.add(next); // the stand-in, renamed: the layout is still to come
        setSuggested(next);
        return;
      }
    }
    const asked: Asked = { workflow, direction, covers: new Set(unplaced(workflow)), renamed: [] };
    askedFor.current = asked;
    let standIn: number | undefined;
    const showQuick = () => {
      if (askedFor.current !== asked) return;
      const quick = layeredLayout(workflow);
      interim.add(quick);
      setSuggested(quick);
    };
    // The drawing as it was stands in for a turn of direction, and for an edit that left most states where
    // they were; a new flow (or one pasted whole) gets the quick arrangement meanwhile.
    const keepsMost = before !== null && (before.workflow === workflow || missing.length * 2 < asked.covers.size);
    if (keepsMost) {
      setSuggested((previous) => {
        const stand = { ...previous };
        interim.add(stand);
        return stand;
      });
    } else if (laidOutByServer(workflow)) {
      // A big flow's layout comes from the server in a fraction of a second: drawing 150+ states twice (the
      // stand-in, then the layout) costs more than the wait, so the stand-in shows only if the answer is slow.
      standIn = window.setTimeout(showQuick, STAND_IN_AFTER_MS);
    } else {
      showQuick();
    }
    layOutFlow(workflow, direction)
      .then((result) => {
        // A state renamed while the layout was being made (the first one can take a moment) keeps its place in it.
        if (askedFor.current === asked) setSuggested(renamedPositions(result.positions, asked.renamed));
      })
      .catch(() => {
        // The layout worker could not start (a very old browser, a blocked script): keep the layered one.
        if (askedFor.current === asked) setSuggested(renamedPositions(layeredLayout(workflow), asked.renamed));
      })
      .finally(() => window.clearTimeout(standIn));
  }, [workflow, direction, follow]);
  return suggested;
}
