"""The Paths panel's *Play in simulator* on an analyst's flow with a parallel and a map state: every path plays,
those leaving the parallel or the map by `error` included (a task inside made to fail). Before, the four paths
through those exits were "cannot be played: the simulator fails a map state only by a wait inside it timing
out"."""

from __future__ import annotations

import json
from pathlib import Path

from engine.definition import Workflow
from engine.paths.analysis import analyze_paths
from engine.testgen.playback import RouteStep, path_script

FLOW = Path(__file__).resolve().parents[2] / "engine" / "review" / "drifting_onboarding.json"


def test_every_path_of_a_flow_with_a_parallel_and_a_map_plays() -> None:
    workflow = Workflow.model_validate(json.loads(FLOW.read_text(encoding="utf-8")))
    paths = analyze_paths(workflow).paths
    assert len(paths) == 23
    through_exits = 0
    for path in paths:
        script = path_script(workflow, [RouteStep(state=s.state, transition=s.transition) for s in path.steps])
        assert script.playable, (path.number, script.reason)
        through_exits += any(s.state in ("setup_accounts", "provision_products") and s.trigger == "error"
                             for s in path.steps)
    assert through_exits == 4
