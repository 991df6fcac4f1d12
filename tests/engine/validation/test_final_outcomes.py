"""QA: finals named "Failed", "Timed out" and "Containment rejected" ended instances as succeeded, and nothing but
the designer's inspector (on selecting the state) said so: not the Problems panel, the publish dialog, the review
pack or `statewright validate`. A final named for an unhappy end that does not say its outcome is a warning."""

from __future__ import annotations

from typing import Any

from engine.validation.checks.final_outcomes import unhappy_word
from engine.validation.loader import load_workflow


def _flow(finals: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"id": "incident", "title": "Incident", "initial": "work",
            "states": {"work": {"type": "task", "action": "contain"}, **finals},
            "transitions": [{"source": "work", "trigger": "done", "dest": next(iter(finals))},
                            *[{"source": "work", "trigger": t, "dest": d}
                              for t, d in zip(("error", "timeout"), list(finals)[1:], strict=False)]]}


def test_finals_named_for_an_unhappy_end_that_say_no_outcome_are_warned_of_each_at_its_place() -> None:
    loaded = load_workflow(_flow({
        "resolved": {"type": "final"},
        "timedOut": {"type": "final"},
        "wrap_up": {"type": "final", "title": "Containment rejected"},
    }))
    found = {f.pointer: f.message for f in loaded.findings if f.code == "unhappy-final-succeeds"}
    assert set(found) == {"/states/timedOut", "/states/wrap_up"}
    assert "('timed')" in found["/states/timedOut"]
    assert "('rejected')" in found["/states/wrap_up"]
    assert loaded.model is not None  # a warning: the flow still loads


def test_an_outcome_said_either_way_answers_it() -> None:
    loaded = load_workflow(_flow({
        "resolved": {"type": "final"},
        "failed": {"type": "final", "outcome": "failure"},
        "rejected": {"type": "final", "outcome": "success"},
    }))
    assert [f for f in loaded.findings if f.code == "unhappy-final-succeeds"] == []


def test_the_words_are_read_from_ids_and_titles_in_any_case() -> None:
    assert unhappy_word("payment_failed") == "failed"
    assert unhappy_word("orderDeclined") == "declined"
    assert unhappy_word("done", "Request withdrawn") == "withdrawn"
    assert unhappy_word("approved", "Closed as planned") is None
    assert unhappy_word("terror_alert") is None  # a word that only contains one does not count
