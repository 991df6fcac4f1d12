"""The simulator follows a task's retry rules: an `error` sent to a task is a failed attempt, tried again by
the first rule naming its kind until that rule is spent; only then does the error take the `error` transition
that catches its kind. Outputs land at their nested paths."""

from __future__ import annotations

from typing import Any

from designer.simulation import SimulatedEvent, SimulationResult, simulate
from engine.definition import Workflow

FLOW = Workflow.model_validate({
    "id": "enrich", "title": "Enrich", "initial": "lookup",
    "context": {"type": "object", "properties": {"enrichment": {"type": "object"}}},
    "states": {
        "lookup": {"type": "task", "action": "lookup_company", "output": "enrichment.company",
                   "retry": [{"errors": ["timeout"], "max_attempts": 3, "backoff": "fixed", "initial_interval_s": 5,
                              "jitter": False},
                             {"errors": ["rate_limited"], "max_attempts": 2, "initial_interval_s": 60,
                              "jitter": False}]},
        "enriched": {"type": "final"},
        "slow": {"type": "final", "outcome": "failure"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "lookup", "trigger": "done", "dest": "enriched", "assign": {"enrichment.checked": "true"}},
        {"source": "lookup", "trigger": "error", "dest": "slow", "errors": ["timeout", "rate_limited"],
         "priority": 1, "assign": {"failure": "event"}},
        {"source": "lookup", "trigger": "error", "dest": "failed", "assign": {"failure": "event"}},
    ],
})


def _run(*events: tuple[str, Any]) -> SimulationResult:
    sent = [SimulatedEvent(event=name, payload=payload) for name, payload in events]
    return simulate(FLOW, {"enrichment": {"source": "crm"}}, sent, now=0.0)


def _error(kind: str, **extra: Any) -> tuple[str, Any]:
    return ("error", {"kind": kind, "message": f"{kind} happened", **extra})


def test_errors_are_retried_by_their_rule_then_succeed_and_the_output_lands_at_its_path() -> None:
    result = _run(_error("timeout"), _error("rate_limited"), _error("timeout"), ("done", {"size": 120}))
    retries = [s for s in result.steps if s.from_state == s.to_state == "lookup"]
    assert [(e["rule"], e["attempt"], e["delay_s"]) for s in retries for e in s.effects] == [
        (0, 2, 5.0), (1, 3, 60.0), (0, 4, 5.0)]
    # the words count rules from 1, as the inspector's "Rule 2" (the effect's `rule` is the list's index)
    assert "retry rule 2 tries again in 60 s (attempt 3)" in retries[1].effects[0]["summary"]
    assert (result.state, result.status) == ("enriched", "succeeded")
    assert result.context["enrichment"] == {"source": "crm", "company": {"size": 120}, "checked": True}


def test_a_spent_rule_lets_the_error_take_the_transition_that_catches_its_kind() -> None:
    result = _run(_error("timeout"), _error("timeout"), _error("timeout"))
    assert [s.transition for s in result.steps[1:]] == [None, None, 1]
    assert result.state == "slow"
    assert result.context["failure"] == {"kind": "timeout", "message": "timeout happened", "attempts": 3}


def test_a_kind_no_rule_names_or_a_not_retryable_error_goes_on_at_once() -> None:
    unnamed = _run(_error("validation"))
    assert (unnamed.state, unnamed.context["failure"]["attempts"]) == ("failed", 1)
    final = _run(_error("timeout", retryable=False))
    assert (final.state, len(final.steps)) == ("slow", 2)


def test_retries_start_again_when_the_task_is_entered_again() -> None:
    looping = Workflow.model_validate({
        **FLOW.model_dump(mode="json", exclude_none=True),
        "states": {**FLOW.model_dump(mode="json", exclude_none=True)["states"],
                   "pause": {"type": "wait", "duration": "PT1M"}},
        "transitions": [
            {"source": "lookup", "trigger": "done", "dest": "enriched"},
            {"source": "lookup", "trigger": "error", "dest": "pause", "errors": ["rate_limited"], "priority": 1},
            {"source": "pause", "trigger": "done", "dest": "lookup"},
            {"source": "lookup", "trigger": "error", "dest": "failed"},
        ],
    })
    events = [SimulatedEvent(event="error", payload={"kind": "rate_limited"})] * 2 + [
        SimulatedEvent(event="done"), SimulatedEvent(event="error", payload={"kind": "rate_limited"})]
    result = simulate(looping, {}, events, now=0.0)
    retries = [e["attempt"] for s in result.steps for e in s.effects if e["type"] == "Retry"]
    assert retries == [2, 2]  # the second entry into lookup counts its attempts afresh
    assert result.state == "lookup"
