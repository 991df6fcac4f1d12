"""Simulating a map over a small list: entering it starts the first `max_concurrency` items (each named with
its item), the `done` sent stores the results, an empty list is done at once, a bad list takes `error`."""

from __future__ import annotations

import json
from pathlib import Path

from designer.simulation import SimulatedEvent, simulate
from engine.definition import Workflow

FIXTURE = Path(__file__).parents[1] / "engine" / "validation" / "fixtures" / "clean" / "map-without-results.json"


def _flow(**each: object) -> Workflow:
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    document["states"]["each"].update(each)
    return Workflow.model_validate(document)


def test_entering_the_map_starts_the_first_items_and_done_stores_the_results() -> None:
    results = [{"score": 3}, {"score": 3}, None]
    run = simulate(_flow(max_concurrency=2), {"leads": ["ann", "bob", "eve"]},
                   [SimulatedEvent(event="done", payload={"results": results})], now=0)
    entered = run.steps[0]
    assert entered.to_state == "each"
    assert [e["summary"] for e in entered.effects] == [
        "maps over 3 items, the list read now and kept for the items that start later",
        'starts item 0 of each (its iterator) with {"item": "ann", "index": 0}',
        'starts item 1 of each (its iterator) with {"item": "bob", "index": 1}',
    ]
    assert (run.state, run.status) == ("approved", "succeeded")
    assert run.context["scores"] == results


def test_an_empty_list_is_done_at_once() -> None:
    run = simulate(_flow(), {"leads": []}, [], now=0)
    assert run.visited == ["each", "approved"]
    assert run.context["scores"] == []


def test_a_list_that_is_not_a_list_takes_the_error_path() -> None:
    run = simulate(_flow(), {"leads": "ann"}, [], now=0)
    assert run.state == "rejected"
    assert run.steps[-1].event == "error"
