// Which way the canvas lays flows out — top to bottom or left to right — a preference of the person,
// remembered in this browser and shared by every canvas on the page; and which way a flow whose states all have
// saved places runs, read from those places: that flow is drawn (and its direction shown) as it was saved, not as
// the preference says — a draft saved top-down, opened after another flow was turned left-right, was drawn
// top-down under a toggle saying "Left-right", its handles on the wrong sides.
import { useSyncExternalStore } from "react";
import { ANY_SOURCE, type Workflow } from "../model/workflow";
import { stateBox } from "./stateBox";

export type Direction = "TB" | "LR";

const KEY = "statewright.layoutDirection";
const listeners = new Set<() => void>();
let current: Direction = read();

function read(): Direction {
  try {
    return window.localStorage.getItem(KEY) === "LR" ? "LR" : "TB";
  } catch {
    return "TB";
  }
}

export function layoutDirection(): Direction {
  return current;
}

export function setLayoutDirection(next: Direction): void {
  if (next === current) return;
  current = next;
  try {
    window.localStorage.setItem(KEY, next);
  } catch {
    // Private windows may refuse storage: the choice then lasts for this page only.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLayoutDirection(): Direction {
  return useSyncExternalStore(subscribe, layoutDirection);
}

/** A direction wins when this many times as many transitions run its way as the other. */
const CLEAR_MAJORITY = 1.25;

/**
 * The direction the saved places of `workflow` run in: top-down when more of its transitions lead to a state wholly
 * below the one they leave than wholly right of it (a layered layout puts each step past the one before), left-right
 * the other way round; null when some state has no saved place, or the places do not tell.
 */
export function savedDirection(workflow: Workflow): Direction | null {
  const layout = workflow.layout;
  const ids = Object.keys(workflow.states);
  if (!layout || ids.length === 0 || ids.some((id) => !layout[id])) return null;
  const box = (id: string) => {
    const { width, height } = stateBox(workflow.states[id], id);
    return { ...layout[id]!, width, height };
  };
  let down = 0;
  let right = 0;
  for (const t of workflow.transitions) {
    if (t.source === ANY_SOURCE || !(t.dest in workflow.states)) continue;
    const to = box(t.dest);
    for (const source of Array.isArray(t.source) ? t.source : [t.source]) {
      if (source === t.dest || !(source in workflow.states)) continue;
      const from = box(source);
      if (to.y >= from.y + from.height) down += 1;
      if (to.x >= from.x + from.width) right += 1;
    }
  }
  if (down > 0 && down >= CLEAR_MAJORITY * right) return "TB";
  if (right > 0 && right >= CLEAR_MAJORITY * down) return "LR";
  return null;
}

/** The direction `workflow` is drawn in: its saved places', else the preference (which lays it out). */
export function shownDirection(workflow: Workflow, preference: Direction): Direction {
  return savedDirection(workflow) ?? preference;
}
