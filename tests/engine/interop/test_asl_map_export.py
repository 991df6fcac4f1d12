"""A map state exports as an ASL `Map` — ItemsPath, an ItemSelector giving the item and its position the names
the map uses, MaxConcurrency, the tolerated failures, ResultPath, an inline ItemProcessor whose success end
carries the item's result, or a processor that starts the subflow — and imports back to a map that runs alike."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from engine.definition import MapState, Workflow
from engine.interop import export_workflow, import_document
from engine.interop.equivalence import differences
from engine.runtime.actions import ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine

LEADS = [{"email": "a@b.io"}, {"email": "ann@x.io"}, {"email": "z@q"}]


def _squad(**each: Any) -> Workflow:
    body = {"type": "map", "items": "leads", "max_concurrency": 2, "tolerated_failures": 1, "output": "scores",
            "iterator": {"initial": "score", "states": {
                "score": {"type": "task", "action": "score_lead", "input": {"email": "lead.email"}, "output": "points"},
                "scored": {"type": "final", "outcome": "success", "result": {"points": "points", "at": "position"}},
                "unscored": {"type": "final", "outcome": "failure"}},
                "transitions": [{"source": "score", "trigger": "done", "dest": "scored"},
                                {"source": "score", "trigger": "error", "dest": "unscored"}]},
            "item_key": "lead", "index_key": "position", **each}
    return Workflow.model_validate({
        "id": "squad", "title": "Score every lead", "initial": "each_lead",
        "states": {"each_lead": body, "done": {"type": "final", "outcome": "success"},
                   "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "each_lead", "trigger": "done", "dest": "done"},
                        {"source": "each_lead", "trigger": "error", "dest": "failed"}]})


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    with Engine(database_url, clock=ManualClock(datetime(2030, 1, 15, tzinfo=UTC)), rng=random.Random(7)) as built:
        @built.register("score_lead")
        def score(request: ActionRequest) -> int:
            return len(request.input["email"])
        yield built


def _run(engine: Engine, workflow: Workflow) -> Any:
    engine.deploy(workflow)
    started = engine.start(workflow.id, {"leads": LEADS})
    engine.run_until_idle()
    done = engine.get(started.id)
    assert done.status == "succeeded"
    return done.context["scores"]


def test_an_inline_map_exports_as_a_map_with_its_item_names_and_limits() -> None:
    exported = export_workflow("asl", _squad())
    assert exported.complete, exported.findings
    each = json.loads(exported.text)["States"]["each_lead"]
    assert each["Type"] == "Map"
    assert (each["ItemsPath"], each["MaxConcurrency"], each["ToleratedFailureCount"], each["ResultPath"]) == \
        ("$.leads", 2, 1, "$.scores")
    assert each["ItemSelector"] == {"lead.$": "$$.Map.Item.Value", "position.$": "$$.Map.Item.Index"}
    processor = each["ItemProcessor"]
    assert processor["ProcessorConfig"] == {"Mode": "INLINE"}
    assert processor["States"]["score"]["Parameters"] == {"email.$": "$.lead.email"}
    assert processor["States"]["scored"] == {"Type": "Pass", "Parameters": {"points.$": "$.points",
                                                                            "at.$": "$.position"}, "End": True}
    assert (each["Next"], each["Catch"][0]["Next"]) == ("done", "failed")


def test_the_exported_map_imports_back_to_the_same_map_and_runs_alike(engine: Engine) -> None:
    original = _squad()
    back = import_document("asl", export_workflow("asl", original).text, "squad_again")
    assert back.ok, back.findings
    assert back.workflow is not None
    assert differences(original, back.workflow, body=False) == []
    each = back.workflow.states["each_lead"]
    assert isinstance(each, MapState)
    assert (each.item_key, each.index_key, each.max_concurrency, each.tolerated_failures, each.output) == \
        ("lead", "position", 2, 1, "scores")
    expected = [{"points": 6, "at": 0}, {"points": 8, "at": 1}, {"points": 3, "at": 2}]
    assert _run(engine, original) == expected
    assert _run(engine, back.workflow) == expected


def test_an_input_mapping_reads_the_item_its_index_and_the_parents_data() -> None:
    flow = _squad(input={"email": "lead.email", "n": "position", "campaign": "campaign", "source": "'import'"})
    each = json.loads(export_workflow("asl", flow).text)["States"]["each_lead"]
    assert each["ItemSelector"] == {"email.$": "$$.Map.Item.Value.email", "n.$": "$$.Map.Item.Index",
                                    "campaign.$": "$.campaign", "source": "import"}
    each.pop("Catch")
    back = import_document("asl", json.dumps({"StartAt": "Each", "States": {"Each": {**each, "Next": "End"},
                                                                         "End": {"Type": "Succeed"}}}), "again")
    assert back.workflow is not None, back.findings
    imported = back.workflow.states[back.workflow.initial]
    assert isinstance(imported, MapState)
    assert dict(imported.input) == {"email": "item.email", "n": "index", "campaign": "campaign",
                                    "source": "'import'"}


def test_a_map_over_a_subflow_starts_it_per_item_and_imports_back_as_a_map_over_that_workflow() -> None:
    flow = _squad(iterator=None, workflow="score_one", item_key="item", index_key="index")
    exported = export_workflow("asl", flow)
    assert exported.complete, exported.findings
    processor = json.loads(exported.text)["States"]["each_lead"]["ItemProcessor"]
    run = processor["States"][processor["StartAt"]]
    assert run["Resource"].startswith("arn:aws:states:::states:startExecution")
    assert run["Parameters"]["StateMachineArn"].endswith(":stateMachine:score_one")
    back = import_document("asl", exported.text, "squad")
    assert back.workflow is not None, back.findings
    each = back.workflow.states["each_lead"]
    assert isinstance(each, MapState)
    assert (each.workflow, each.iterator, each.item_key, each.index_key) == ("score_one", None, "item", "index")


def test_a_map_whose_list_is_computed_is_named_as_not_expressible() -> None:
    exported = export_workflow("asl", _squad(items="leads.filter(l, has(l.email))"))
    errors = [f for f in exported.findings if f.severity == "error"]
    assert [f.states for f in errors] == [("each_lead",)]
    assert "ItemsPath" in errors[0].message
