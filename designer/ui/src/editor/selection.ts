// What is selected on the canvas: state ids and transition indexes (into `workflow.transitions`).

export interface Selection {
  states: readonly string[];
  transitions: readonly number[];
}

export const NOTHING: Selection = { states: [], transitions: [] };

export function isEmpty(selection: Selection): boolean {
  return selection.states.length === 0 && selection.transitions.length === 0;
}

export function sameSelection(a: Selection, b: Selection): boolean {
  return sameList(a.states, b.states) && sameList(a.transitions, b.transitions);
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
}

/** Edge ids on the canvas: `t3` for transition 3, `t3~review` for its copy leaving `review` (list sources). */
export function edgeId(index: number, source: string | null): string {
  return source === null ? `t${index}` : `t${index}~${source}`;
}

export function transitionIndexOfEdge(id: string): number | null {
  const match = /^t(\d+)(?:~.*)?$/.exec(id);
  return match ? Number(match[1]) : null;
}
