"""A task's output that a later task hands, as it is, to an action must require what that action's registered
input schema requires: the output schema is what the `llm` executor asks the model for and checks its reply
against, so a field missing there is caught (and sent back to the model) at the task that produced it, not as a
`validation` failure of the action that reads it, a step later and beyond repair (sales_squad's `profile`, whose
reply without `email` failed `record_in_crm`)."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
import pytest

from agents.handlers import INPUTS, shipped_definitions
from engine.definition import TaskState, Workflow
from engine.validation.graph import machines

FLOWS = sorted(shipped_definitions()[0])
PATH = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def _schema_at(context: dict[str, Any], path: list[str]) -> dict[str, Any]:
    schema = context
    for part in path:
        schema = schema.get("properties", {}).get(part, {})
    return schema


def _hand_offs(flow: Workflow) -> list[tuple[str, str, str, list[str], list[str]]]:
    """(task, input key, the path it reads, what the action requires there, what the output schema requires)
    for every input that is a plain path into a task's output."""
    tasks = [s for m in machines(flow) for s in m.states.values() if isinstance(s, TaskState)]
    outputs = {s.output for s in tasks if s.output}
    found = []
    for machine in machines(flow):
        for sid, state in machine.states.items():
            if not isinstance(state, TaskState) or not isinstance(state.input, dict):
                continue
            wanted = INPUTS.get(state.action, {}).get("properties", {})
            for key, expression in state.input.items():
                if not PATH.fullmatch(expression) or expression.split(".")[0] not in outputs:
                    continue
                required = list(wanted.get(key, {}).get("required", []))
                given = _schema_at(flow.context, expression.split("."))
                found.append((sid, key, expression, required, list(given.get("required", []))))
    return found


@pytest.mark.parametrize("flow_id", FLOWS)
def test_an_output_handed_to_an_action_requires_what_the_action_requires(flow_id: str) -> None:
    hand_offs = _hand_offs(shipped_definitions()[0][flow_id])
    missing = [f"{sid}.input.{key} = {path}: {sorted(set(required) - set(given))}"
               for sid, key, path, required, given in hand_offs if not set(required) <= set(given)]
    assert missing == []


def test_the_sales_squads_profile_is_checked_where_the_model_answers_it() -> None:
    flow = shipped_definitions()[0]["sales_squad"]
    assert ("record_in_crm", "lead", "profile", ["email"]) in [h[:4] for h in _hand_offs(flow)]
    validator = jsonschema_rs.validator_for(flow.context["properties"]["profile"])
    assert not validator.is_valid({"company_size": 500, "industry": "software"})  # sent back to the model
    lead = {"email": "ann@acme.com", "name": "Ann", "title": None, "company": "Acme", "domain": "acme.com",
            "company_size": None, "use_case": None, "timeline_days": None}
    assert validator.is_valid({**lead, "industry": "software", "sources": {}})  # what the rules' handler gives
