// The states an instance's monitor opens its diagram on, most wanted first: the canvas frames as many as fit
// together legibly (FlowCanvas `openOn`), so the place the instance is and the way it came are in view, not the
// start of the flow nor, for an instance that ended, its end state alone far from the state it ended from.

/**
 * From the states it entered (`path`, in order; the latest 500 transitions' at most) and the state it is in:
 * that state, then the ones before it, latest first. When it is in a final state (`final`), the state it came
 * from goes first: there it failed or did its last work — a failure state shared by the whole flow is often drawn
 * at the far end of it, and it is shown too when it fits beside.
 */
export function statesToOpenOn(path: readonly string[], state: string, final: boolean): string[] {
  const trail = path.at(-1) === state ? [...path] : [...path, state];
  const latestFirst = [...new Set(trail.reverse())];
  if (final && latestFirst.length >= 2) {
    const [end, from, ...before] = latestFirst;
    return [from!, end!, ...before];
  }
  return latestFirst;
}
