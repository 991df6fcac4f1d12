"""The review pack lists every retry rule of a task, each with its kinds, attempts and waits, and reads an
`error` transition limited to some kinds as the condition it means."""

from __future__ import annotations

from engine.definition import Workflow
from engine.review.flow_sections import transitions_section
from engine.review.state_section import states_section


def _table(retry: object) -> str:
    workflow = Workflow.model_validate({
        "id": "f", "title": "f", "initial": "work",
        "states": {"work": {"type": "task", "action": "work", "retry": retry}, "ok": {"type": "final"}},
        "transitions": [{"source": "work", "trigger": "done", "dest": "ok"}]})
    return str(states_section(workflow))


def test_each_rule_is_a_line_with_its_kinds_attempts_and_waits() -> None:
    table = _table([{"errors": ["timeout"], "max_attempts": 3, "backoff": "fixed", "initial_interval_s": 5},
                    {"errors": ["rate_limited", "unavailable"], "max_attempts": 6, "initial_interval_s": 2,
                     "max_interval_s": 120},
                    {"errors": ["*"], "max_attempts": 1}])
    assert "3 attempts in all, every 5 s, on timeout" in table
    assert "6 attempts in all, 2 s, growing 2 times each try, up to 120 s, on rate_limited, unavailable" in table
    assert "no retries on any error" in table


def test_the_policy_object_reads_as_its_one_rule() -> None:
    table = _table({"max_attempts": 4, "initial_interval_s": 1, "retry_on": []})
    assert "4 attempts in all, 1 s, growing 2 times each try, up to 300 s, on any error" in table


def test_an_error_transition_limited_to_kinds_reads_as_that_condition() -> None:
    workflow = Workflow.model_validate({
        "id": "f", "title": "f", "initial": "work",
        "states": {"work": {"type": "task", "action": "work"}, "ok": {"type": "final"},
                   "bad": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "work", "trigger": "done", "dest": "ok"},
                        {"source": "work", "trigger": "error", "dest": "bad", "errors": ["unavailable", "timeout"]}]})
    table = str(transitions_section(workflow))
    assert "event.kind in [&#x27;timeout&#x27;, &#x27;unavailable&#x27;]" in table
    assert "event.kind is one of &#x27;timeout&#x27;, &#x27;unavailable&#x27;" in table
