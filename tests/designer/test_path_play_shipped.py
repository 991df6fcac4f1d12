"""Every path of a shipped flow that the planner can drive is walked by the simulator exactly, and the played
paths reach every final state of the flow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from definitions import WORKFLOWS_DIR
from designer.path_play import play_path
from designer.simulation import SimulatedEvent, simulate
from engine.definition import FinalState, Workflow
from engine.paths.routes import simple_routes
from engine.testgen.playback import RouteStep


@pytest.mark.parametrize("flow_id", ["lead_qualification", "support_ticket_triage", "ops_squad", "sales_squad"])
def test_each_playable_path_is_walked_to_its_final_state(flow_id: str) -> None:
    workflow = Workflow.model_validate(json.loads((Path(WORKFLOWS_DIR) / f"{flow_id}.json").read_text("utf-8")))
    routes = simple_routes(workflow.initial, workflow.states, workflow.transitions, 100).routes
    reached = set()
    for route in routes:
        play = play_path(workflow, [RouteStep(state=s, transition=i) for s, i in route], tenant="t", actor="ana",
                         agents=None)
        if not play.playable:
            assert play.verdict.startswith("This path cannot be played: ")
            continue
        assert play.followed, play.verdict
        events = [SimulatedEvent(event=c.event, payload=c.payload, actor=c.actor) for c in play.cues]
        result = simulate(workflow, play.context, events, actor="ana")
        assert (result.visited, result.state, result.rejected) == (play.states, play.final, [])
        reached.add(play.final)
    assert reached == {sid for sid, state in workflow.states.items() if isinstance(state, FinalState)}


def test_a_path_through_a_map_of_a_flow_without_examples_is_played() -> None:
    """QA: a flow with no examples started its paths from an empty context, which left the map's `items` unset:
    every path through the map was "cannot be played", though an empty list ends the map at once."""
    workflow = Workflow.model_validate({
        "id": "notify", "title": "Notify", "initial": "each",
        "context": {"type": "object", "properties": {"customers": {"type": "array"}}},
        "states": {
            "each": {"type": "map", "items": "customers", "output": "notices",
                     "iterator": {"initial": "send", "states": {"send": {"type": "task", "action": "send_notice"},
                                                                "sent": {"type": "final"}},
                                  "transitions": [{"source": "send", "trigger": "done", "dest": "sent"}]}},
            "done": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "each", "trigger": "done", "dest": "done"},
                        {"source": "each", "trigger": "error", "dest": "failed"}]})
    play = play_path(workflow, [RouteStep(state="each", transition=0)], tenant="t", actor="ana", agents=None)
    assert play.playable, play.verdict
    assert play.followed, play.verdict
