"""Playing a path in the simulator: the path's script (engine.testgen.playback), with an `approve` added where the
simulated flow is held at a gate the planner does not model (a policy's, or an agent's that asks before it acts),
then run once here so the answer says whether the flow still takes the path — and, if not, where it leaves it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import Field

from designer.simulation import SimulatedEvent, SimulationResult, simulate
from engine.definition import Agent, Workflow
from engine.testgen.playback import Cue, PathScript, RouteStep, path_script

__all__ = ["PathPlay", "leaving_words", "play_path"]

MAX_BASES = 5  # the examples whose contexts are tried as the start
MAX_GATES = 3  # the gates opened in a row at one state before the script goes on
AgentsOf = Callable[[frozenset[str]], Mapping[str, Agent]]


class PathPlay(PathScript):
    followed: bool = Field(description="The simulator, sent the cues in order, took exactly the path.")
    verdict: str = Field(description="What the simulator did with the cues, in plain words.")


def _events(cues: Sequence[Cue]) -> list[SimulatedEvent]:
    return [SimulatedEvent(event=cue.event, payload=cue.payload, actor=cue.actor) for cue in cues]


def _with_gates(script: PathScript, run: Callable[[list[Cue]], SimulationResult]) -> list[Cue]:
    """The script's cues, each preceded by an `approve` when the flow is held at a gate just before it."""
    cues: list[Cue] = []
    for cue in [*script.cues, None]:
        for _ in range(MAX_GATES):  # a policy's gate, then the agent's, may hold the flow at one state
            result = run(cues)
            if result.status != "held":
                break
            gate = next((e for s in reversed(result.steps) for e in s.effects if e["type"] == "RequestApproval"), {})
            whose = "an agent's gate" if gate.get("kind") == "agent" else "a policy's gate"
            cues.append(Cue(event="approve", payload={}, state=result.state, transition=None,
                            expect=cues[-1].expect if cues else script.start,
                            words=f"an approver opens {whose} at {result.state}"))
        if cue is not None:
            cues.append(cue)
    return cues


def leaving_words(expected: Sequence[str], result: SimulationResult) -> str | None:
    """Where the simulated flow left the path, or None when it entered exactly the `expected` states."""
    visited = result.visited
    for n, want in enumerate(expected):
        if n < len(visited) and visited[n] != want:
            after = f" after '{visited[n - 1]}'" if n else ""
            return f"the flow went to '{visited[n]}'{after}; the path goes to '{want}'"
    if len(visited) < len(expected):
        if result.status in ("failed", "cancelled"):
            error = result.error if isinstance(result.error, dict) else {}
            why = error.get("message") or error.get("reason")
            return f"the flow {result.status} in '{result.state}'" + (f" ({why})" if why else "") + \
                f" where the path goes on to '{expected[len(visited)]}'"
        if result.rejected:
            refused = result.rejected[0]
            return f"'{refused.state}' refused {refused.event}: {refused.detail}"
        return f"the flow stopped in '{visited[-1]}'; the path goes on to '{expected[len(visited)]}'"
    if len(visited) > len(expected):
        return f"the flow went on to '{visited[len(expected)]}' where the path stops at '{expected[-1]}'"
    return None


def play_path(workflow: Workflow, route: Sequence[RouteStep], *, tenant: str, actor: str | None,
              agents: AgentsOf | None) -> PathPlay:
    """The path's script, checked in the simulator. Each example's context is tried as the start in turn (the
    first is what `statewright testgen` starts from) until the flow takes the path; else the first one's
    script is given with where the flow leaves the path. A path no data drives from the first is not tried
    further: the planner chooses the start values its guards read, whatever the example."""
    # no example: the script's own start (`start_context`, from the context schema and what the path reads) — an
    # empty context left a map's `items` unset, and no path through the map could be played
    bases: list[dict[str, Any] | None] = [dict(example.context) for example in workflow.examples[:MAX_BASES]] or [None]
    first = _play(workflow, path_script(workflow, route, bases[0]), tenant=tenant, actor=actor, agents=agents)
    if first.followed or not first.playable:
        return first
    for base in bases[1:]:
        played = _play(workflow, path_script(workflow, route, base), tenant=tenant, actor=actor, agents=agents)
        if played.followed:
            return played
    return first


def _play(workflow: Workflow, script: PathScript, *, tenant: str, actor: str | None,
          agents: AgentsOf | None) -> PathPlay:
    if not script.playable:
        return PathPlay(**script.model_dump(), followed=False, verdict=f"This path cannot be played: {script.reason}.")

    def run(cues: list[Cue]) -> SimulationResult:
        return simulate(workflow, script.context, _events(cues), tenant=tenant, actor=actor, agents=agents)

    cues = _with_gates(script, run)
    left = leaving_words(script.states, run(cues))
    fields: dict[str, Any] = {**script.model_dump(), "cues": cues}
    if left is None:
        return PathPlay(**fields, followed=True,
                        verdict=f"The flow takes the path to '{script.final}' ({script.outcome}) in {len(cues)} "
                                f"event{'s' if len(cues) != 1 else ''}.")
    return PathPlay(**fields, followed=False, verdict=f"The flow leaves this path: {left}.")
