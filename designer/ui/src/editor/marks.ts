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

export interface Marks {
  states: ReadonlyMap<string, Mark>;
  transitions: ReadonlyMap<number, Mark>;
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
