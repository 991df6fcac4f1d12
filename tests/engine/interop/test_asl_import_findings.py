"""Where an ASL import's findings point, and what they call the fault: a name of no state makes the document
invalid (Step Functions refuses it too) rather than a construct Statewright lacks; and every pointer leads to a
field the document has."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.interop import import_document

_TASK = "arn:aws:lambda:x:1:function:f"


def _import(states: dict[str, Any], start: str = "A") -> list[tuple[str, str, str]]:
    result = import_document("asl", json.dumps({"StartAt": start, "States": states}), "flow")
    assert result.workflow is None
    return [(f.code, f.pointer, f.message) for f in result.findings if f.severity == "error"]


@pytest.mark.parametrize(("state", "at", "name"), [
    ({"Type": "Task", "Resource": _TASK, "Next": "Nope"}, "/States/A/Next", "Nope"),
    ({"Type": "Pass", "Next": "Nope"}, "/States/A/Next", "Nope"),
    ({"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": True, "Next": "Done"}], "Default": "Nope"},
     "/States/A/Default", "Nope"),
    ({"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": True, "Next": "Nope"}], "Default": "Done"},
     "/States/A/Choices/0/Next", "Nope"),
    ({"Type": "Task", "Resource": _TASK, "Next": "Done", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Nope"}]},
     "/States/A/Catch/0/Next", "Nope"),
])
def test_a_name_of_no_state_is_an_invalid_document_at_the_field(state: dict[str, Any], at: str, name: str) -> None:
    (finding,) = _import({"A": state, "Done": {"Type": "Succeed"}})
    code, pointer, message = finding
    assert (code, pointer) == ("invalid-document", at)
    assert f"no state '{name}'" in message


def test_a_missing_start_state_is_an_invalid_document() -> None:
    assert _import({"A": {"Type": "Succeed"}}, start="Nope") == [
        ("invalid-document", "/StartAt", "StartAt: there is no state 'Nope' in this machine")]


def test_every_name_of_no_state_is_reported_with_what_else_the_state_lacks() -> None:
    """A state whose `Next` names no state and which holds a construct without counterpart: both are said."""
    found = _import({"A": {"Type": "Pass", "Result": 42, "Next": "Nope"},
                     "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": True, "Next": "Q"}],
                           "Default": "W"}}, start="A")
    assert sorted((code, pointer) for code, pointer, _ in found) == [
        ("invalid-document", "/States/A/Next"), ("invalid-document", "/States/B/Choices/0/Next"),
        ("invalid-document", "/States/B/Default"), ("unsupported-construct", "/States/A/Result")]


@pytest.mark.parametrize(("state", "at"), [
    ({"Type": "Pass", "Result": 42, "Next": "Done"}, "/States/A/Result"),
    ({"Type": "Pass", "Result": 42, "ResultPath": "$", "Next": "Done"}, "/States/A/ResultPath"),
    ({"Type": "Pass", "Parameters": {"a.$": "$.x"}, "Next": "Done"}, "/States/A/Parameters"),
])
def test_a_pass_that_would_replace_the_data_points_at_a_field_it_has(state: dict[str, Any], at: str) -> None:
    """ASL's default `ResultPath` is not in the document: the finding points at the result that would replace
    the data, unless the document says `ResultPath: "$"` itself."""
    ((code, pointer, _),) = _import({"A": state, "Done": {"Type": "Succeed"}})
    assert (code, pointer) == ("unsupported-construct", at)
