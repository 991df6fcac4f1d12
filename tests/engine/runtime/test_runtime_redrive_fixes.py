"""Redrive with the context corrected: when bad data made a step fail, an operator writes the right values (a
context path and its value each) and resumes the instance in one step. The corrections are recorded as the
redrive's context change; ones that run into a value that is no object, break the workflow's context schema or
name no context path are refused, and the instance stays as it was."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import edge, final, finished, task, workflow

from engine.definition import Workflow
from engine.errors import InvalidInput, RedriveRefused
from engine.runtime.actions import ActionRequest
from engine.runtime.engine import Engine
from engine.runtime.views import InstanceView

SCHEMA = {"type": "object", "properties": {"tier": {"enum": ["small", "large"]}}}


def _enrichment() -> Workflow:
    """size → done; the size is written into `enrichment.company.size`, which needs `enrichment` to be an object."""
    return workflow(
        {"size": task("company_size", output="enrichment.company.size"), "done": final(result={"size": "enrichment"})},
        [edge("size", "done", "done")],
        id="enrichment", context=SCHEMA,
    )


def _failed(engine: Engine, calls: list[ActionRequest]) -> InstanceView:
    engine.deploy(_enrichment())

    @engine.register("company_size")
    def company_size(request: ActionRequest) -> int:
        calls.append(request)
        return 500

    failed = finished(engine, engine.start("enrichment", {"enrichment": "pending", "tier": "small"}))
    assert (failed.state, failed.status, failed.error["kind"]) == ("size", "failed", "output_path")
    return failed


def test_a_redrive_with_the_context_corrected_completes_and_records_the_correction(engine: Engine) -> None:
    calls: list[ActionRequest] = []
    failed = _failed(engine, calls)

    resumed = engine.redrive(failed.id, actor="ops", fixes={"enrichment": {"source": "ops"}})
    assert resumed.context["enrichment"] == {"source": "ops"}
    done = finished(engine, resumed)
    assert (done.status, done.context["enrichment"]) == ("succeeded", {"source": "ops", "company": {"size": 500}})
    assert calls[-1].idempotency_key == calls[0].idempotency_key  # the failed run's key, as any redrive

    row = engine.history(failed.id)[failed.version]  # the step after the failure: the redrive
    assert (row.event, row.actor) == ("(redrive)", "ops")
    assert row.payload["set"] == {"enrichment": {"source": "ops"}}
    assert row.context_change["set"] == {"enrichment": {"source": "ops"}}


def test_a_correction_at_a_nested_path_keeps_the_rest_of_the_context(engine: Engine) -> None:
    failed = _failed(engine, [])
    resumed = engine.redrive(failed.id, fixes={"enrichment": {}, "notes.by": "ops"})
    assert {k: resumed.context[k] for k in ("enrichment", "notes", "tier")} == {
        "enrichment": {}, "notes": {"by": "ops"}, "tier": "small"}


@pytest.mark.parametrize(("fixes", "error", "words"), [
    ({"enrichment.company": {}}, RedriveRefused, "'enrichment' holds a string, not an object"),
    ({"tier": "huge"}, InvalidInput, "does not fit the workflow's schema"),
    ({"not a path!": 1}, InvalidInput, "not a context path: 'not a path!'"),
])
def test_a_correction_that_cannot_be_made_is_refused_and_the_instance_stays_failed(
    engine: Engine, fixes: dict[str, Any], error: type[Exception], words: str
) -> None:
    failed = _failed(engine, [])
    with pytest.raises(error, match=words):
        engine.redrive(failed.id, fixes=fixes)
    after = engine.get(failed.id)
    assert (after.status, after.version, after.context) == ("failed", failed.version, failed.context)
