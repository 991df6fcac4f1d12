"""The shipped flows' output schemas are what the `llm` executor asks a model for and checks its reply against
(response_format, then a repair round): a field a later step reads must be required there, or a model's reply
without it is taken, and the flow fails a step later on a missing key the model is never told about."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
import pytest

from agents.handlers import shipped_definitions
from agents.handlers.lead_rules import extract_lead_fields
from engine.definition import TaskState, Workflow

_LEAD_READ = re.compile(r"(?<![\w.])lead\.(\w+)")


def _task_inputs(states: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for state in states.values():
        if isinstance(state, TaskState):
            found += state.input.values()
        for branch in getattr(state, "branches", None) or []:
            found += _task_inputs(dict(branch.states))
    return found


@pytest.mark.parametrize("flow_id", ["lead_qualification", "sales_squad"])
def test_the_extracted_lead_requires_every_field_the_flow_reads_from_it(flow_id: str) -> None:
    flow: Workflow = shipped_definitions()[0][flow_id]
    schema = flow.context["properties"]["lead"]
    read = {m for source in _task_inputs(dict(flow.states)) for m in _LEAD_READ.findall(source)}
    assert {"email", "company", "name"} <= read
    assert read <= set(schema.get("required", []))
    validator = jsonschema_rs.validator_for(schema)
    assert not validator.is_valid({"answer": "done"})  # what a model answered: sent back to it, not taken
    assert validator.is_valid(extract_lead_fields({"email": "ann@acme.com"}))  # the rules' lead, unknowns null
