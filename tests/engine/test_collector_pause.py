"""Loading and laying out a workflow pause Python's cycle collector for the work and give it back as they found
it: on after a load that succeeded or failed, off when the embedding application had turned it off."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator

import pytest

from engine.collector_pause import collector_paused
from engine.render.layout import compute_layout
from engine.validation.loader import load_workflow, require_workflow

FLOW = {"id": "pause", "title": "Pause", "initial": "a",
        "states": {"a": {"type": "task", "action": "x"}, "b": {"type": "final", "outcome": "success"}},
        "transitions": [{"source": "a", "trigger": "done", "dest": "b"}]}


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_paused_during_the_work_and_on_again_after(collector_on: None) -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    assert load_workflow(json.dumps(FLOW)).model is not None
    assert gc.isenabled()
    assert compute_layout(require_workflow(FLOW))
    assert gc.isenabled()


def test_a_load_that_fails_gives_the_collector_back(collector_on: None) -> None:
    assert load_workflow("{not json").model is None
    assert load_workflow({**FLOW, "initial": "nowhere"}).model is None
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the work failed")
    assert gc.isenabled()


def test_a_collector_the_application_turned_off_stays_off(collector_on: None) -> None:
    gc.disable()
    load_workflow(json.dumps(FLOW))
    with collector_paused():
        pass
    assert not gc.isenabled()
    gc.enable()
