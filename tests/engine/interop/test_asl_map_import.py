"""ASL `Map` imports as a map state: ItemsPath → items, ItemProcessor (or Iterator) → the iterator reading each
item under `item`, MaxConcurrency, ToleratedFailureCount/Percentage, ResultPath → output, Catch → error; and
the imported workflow runs, collecting the items' results in order."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from engine.definition import MapState, Workflow
from engine.interop import import_document
from engine.runtime.actions import ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.validation.loader import load_workflow

PROCESSOR: dict[str, Any] = {
    "StartAt": "Score",
    "States": {"Score": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:1:function:score_lead",
                         "Parameters": {"email.$": "$.email"}, "ResultPath": "$.score", "End": True}},
}


def _document(workflow: Workflow) -> dict[str, Any]:
    found: dict[str, Any] = workflow.model_dump(mode="json", exclude_none=True, by_alias=True)
    return found


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    with Engine(database_url, clock=ManualClock(datetime(2030, 1, 15, tzinfo=UTC)), rng=random.Random(7)) as built:
        yield built


def _machine(**fields: Any) -> str:
    each = {"Type": "Map", "ItemsPath": "$.leads", "ResultPath": "$.scores", "Next": "Done",
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Failed"}], **fields}
    return json.dumps({"StartAt": "Each Lead", "States": {
        "Each Lead": each, "Done": {"Type": "Succeed"}, "Failed": {"Type": "Fail", "Error": "Unscored"}}})


def test_a_map_becomes_a_map_state_with_its_processor_as_iterator() -> None:
    result = import_document("asl", _machine(ItemProcessor=PROCESSOR, MaxConcurrency=5,
                                             ToleratedFailurePercentage=10), "squad")
    assert result.workflow is not None, result.findings
    document = _document(result.workflow)
    each = document["states"]["each_lead"]
    assert (each["type"], each["items"], each["max_concurrency"], each["output"]) == ("map", "leads", 5, "scores")
    assert each["tolerated_failure_percentage"] == 10
    task = each["iterator"]["states"][each["iterator"]["initial"]]
    assert task["input"] == {"email": "item.email"}  # ASL's `$` in the processor is the item
    triggers = {(t["source"], t.get("trigger")) for t in document["transitions"]}
    assert {("each_lead", "done"), ("each_lead", "error")} <= triggers
    warned = {f.message for f in result.findings if f.severity == "warning"}
    assert any("Map results" in m for m in warned)
    loaded = load_workflow(document)
    assert loaded.model is not None, [str(f) for f in loaded.findings]
    assert isinstance(loaded.model.states["each_lead"], MapState)
    assert not [f for f in loaded.findings if f.severity == "error"]


def test_the_older_iterator_and_a_failure_count_map_too_and_unlimited_concurrency_is_capped() -> None:
    result = import_document("asl", _machine(Iterator=PROCESSOR, ToleratedFailureCount=2), "squad")
    assert result.workflow is not None, result.findings
    each = _document(result.workflow)["states"]["each_lead"]
    assert (each["tolerated_failures"], each["max_concurrency"]) == (2, 100)
    assert any("MaxConcurrency" in f.message for f in result.findings if f.severity == "warning")


def test_the_imported_map_runs_each_item(engine: Engine) -> None:
    result = import_document("asl", _machine(ItemProcessor=PROCESSOR, MaxConcurrency=2), "squad")
    assert result.workflow is not None
    document = _document(result.workflow)
    iterator = document["states"]["each_lead"]["iterator"]
    finals = [s for s in iterator["states"].values() if s["type"] == "final" and s.get("outcome") == "success"]
    for final in finals:  # as the import's warning asks: the item's result
        final["result"] = {"score": "score"}
    engine.deploy(Workflow.model_validate(document))

    @engine.register("score_lead")
    def score(request: ActionRequest) -> int:
        return len(request.input["email"])

    started = engine.start("squad", {"leads": [{"email": "a@b.io"}, {"email": "ann@x.io"}, {"email": "z@q"}]})
    engine.run_until_idle()
    done = engine.get(started.id)
    assert done.status == "succeeded"
    assert done.context["scores"] == [{"score": 6}, {"score": 8}, {"score": 3}]
