// How the canvas colours states and transitions beyond their type: findings while editing, the path of an
// instance or a simulation, and the differences between two versions.

export type Mark =
  | "error"
  | "warning"
  | "visited"
  | "current"
  | "added"
  | "removed"
  | "changed";

/** A state's share of the time or cost along a selected path: `level` 0 (least) to 1 (most), and its words. */
export interface Heat {
  level: number;
  label: string;
}

export interface Marks {
  states: ReadonlyMap<string, Mark>;
  transitions: ReadonlyMap<number, Mark>;
  /** The Paths panel's colouring by time or cost, when it is on. */
  heat?: ReadonlyMap<string, Heat>;
}

export const NO_MARKS: Marks = { states: new Map(), transitions: new Map() };

export const MARK_LABELS: Record<Mark, string> = {
  error: "has an error",
  warning: "has a warning",
  visited: "on the path taken",
  current: "current state",
  added: "added",
  removed: "removed",
  changed: "changed",
};

/** What a state or transition shown beside the selection (FlowCanvas' `involved`) is, in words. */
export const INVOLVED = "also concerned by the problem shown";
