// Playing a path of the Paths panel in the simulator: the server gives the script (POST /api/simulate/path) —
// the start context and, for each place the flow waits, the event that keeps it on the path — and the simulator
// sends the events one by one. After each, the states the flow has entered must be the ones the script expects.
import type { PathCue, PathPlay, SimulationEvent, SimulationResult } from "../api/types";

/** A path being played: its script and its number in the Paths panel. */
export interface Playing {
  script: PathPlay;
  number: number;
}

/** The events of the first `count` cues, as the simulator takes them. */
export function cueEvents(cues: readonly PathCue[], count: number): SimulationEvent[] {
  return cues.slice(0, count).map((c) => ({ event: c.event, payload: c.payload, ...(c.actor ? { actor: c.actor } : {}) }));
}

/** Where the simulated flow left the path, in words; null while it has entered exactly `expected`. */
export function leftPath(result: SimulationResult, expected: readonly string[]): string | null {
  const visited = result.visited;
  for (let n = 0; n < expected.length && n < visited.length; n++) {
    if (visited[n] !== expected[n]) return `it went to '${visited[n]}'${n ? ` after '${visited[n - 1]}'` : ""}; the path goes to '${expected[n]}'`;
  }
  if (visited.length < expected.length) {
    const next = expected[visited.length];
    if (result.status === "failed" || result.status === "cancelled") return `it ${result.status} in '${result.state}' where the path goes on to '${next}'`;
    const refused = result.rejected[0];
    if (refused) return `'${refused.state}' refused ${refused.event}: ${refused.detail}`;
    return `it stopped in '${visited[visited.length - 1]}'; the path goes on to '${next}'`;
  }
  if (visited.length > expected.length) return `it went on to '${visited[expected.length]}' where the path stops at '${expected[expected.length - 1]}'`;
  return null;
}

/** The states the flow must have entered once `played` cues are sent. */
export function expectedAfter(script: PathPlay, played: number): string[] {
  return played === 0 ? script.start : script.cues[played - 1]!.expect;
}
