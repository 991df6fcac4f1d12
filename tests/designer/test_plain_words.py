"""Pydantic's messages and the engine's effects in an analyst's words."""

from __future__ import annotations

import pytest

from designer.simulation_words import describe_effect, duration_words
from engine.definition.workflow import Workflow
from engine.runtime.effects import ArmTimer, AwaitEvent, ClearWaits, RequestApproval
from engine.validation.parsing import validate_model


def messages(document: dict[str, object]) -> dict[str, str]:
    return {f.pointer: f.message for f in validate_model(Workflow, document)[1]}


def test_an_empty_flow_is_asked_for_a_state() -> None:
    found = messages({"id": "x", "title": "X", "initial": "a", "states": {}, "transitions": []})
    assert found["/states"] == "Add at least one state."


def test_wrong_values_are_named_in_words() -> None:
    found = messages(
        {
            "id": "x",
            "title": "",
            "initial": "a",
            "states": {"a": {"type": "final", "outcome": "maybe"}},
            "transitions": [],
        }
    )
    assert found["/title"] == "'title' cannot be empty."
    assert found["/states/a/outcome"] == "'outcome' must be one of 'success' or 'failure'."
    assert not any("should" in m or "validation" in m for m in found.values())


@pytest.mark.parametrize(
    ("seconds", "words"), [(30, "30 s"), (1800, "30 min"), (86400, "24 h"), (5400, "1.5 h"), (3 * 86400, "3 days")]
)
def test_durations_read_as_people_say_them(seconds: float, words: str) -> None:
    assert duration_words(seconds) == words


def test_effects_read_as_what_happened() -> None:
    now = 1_000.0
    assert (
        describe_effect(ArmTimer(fire="timeout", due_at=now + 86400), now)
        == "a 24 h timer started (then it fires 'timeout')"
    )
    assert describe_effect(AwaitEvent(event_type="payment_received", correlation_key=None), now) == (
        "waiting for event payment_received"
    )
    approval = RequestApproval(state="review", kind="state", users=(), roles=("sales_manager",), quorum=2)
    assert describe_effect(approval, now) == "asks for approval by role sales_manager (2 needed)"
    assert "ClearWaits" not in describe_effect(ClearWaits(), now)
