"""`retry-max-below-initial`: a retry whose longest wait is shorter than its first, in both forms of `retry`, warned
about rather than refused (an imported ASL retrier may carry it)."""

from __future__ import annotations

import json
from typing import Any

from engine.interop import import_document
from engine.validation.loader import load_workflow


def _with_retry(order: dict[str, Any], retry: Any) -> list[tuple[str, str, str, str]]:
    order["states"]["check"]["retry"] = retry
    loaded = load_workflow(order)
    assert loaded.model is not None, "a warning keeps the model"
    return [(f.code, f.severity, f.pointer, f.message) for f in loaded.findings]


def test_a_rule_capped_below_its_first_wait_is_warned_about_at_its_max_interval(order: dict[str, Any]) -> None:
    found = _with_retry(order, [{"errors": ["timeout"], "max_attempts": 3},
                                {"errors": ["rate_limited"], "initial_interval_s": 30, "max_interval_s": 10}])
    assert found == [("retry-max-below-initial", "warning", "/states/check/retry/1/max_interval_s",
                      "Retry rule 2 of 'check' waits at most 10 s between attempts (max_interval_s), less than "
                      "its first wait of 30 s (initial_interval_s): every wait will be about 10 s. Raise "
                      "max_interval_s to at least 30 s, or lower initial_interval_s.")]


def test_the_single_policy_shorthand_is_checked_too(order: dict[str, Any]) -> None:
    found = _with_retry(order, {"backoff": "fixed", "initial_interval_s": 20, "max_interval_s": 5, "jitter": False})
    assert found == [("retry-max-below-initial", "warning", "/states/check/retry/max_interval_s",
                      "The retry policy of 'check' waits at most 5 s between attempts (max_interval_s), less than "
                      "its first wait of 20 s (initial_interval_s): every wait will be 5 s. Raise max_interval_s "
                      "to at least 20 s, or lower initial_interval_s.")]


def test_a_first_wait_above_the_default_cap_points_at_the_first_wait(order: dict[str, Any]) -> None:
    (found,) = _with_retry(order, {"initial_interval_s": 600})
    assert found[:3] == ("retry-max-below-initial", "warning", "/states/check/retry/initial_interval_s")
    assert "(the default max_interval_s of 300 s)" in found[3]


def test_equal_waits_and_rules_that_never_retry_are_not_warned_about(order: dict[str, Any]) -> None:
    assert _with_retry(order, {"initial_interval_s": 10, "max_interval_s": 10}) == []
    assert _with_retry(order, [{"max_attempts": 1, "initial_interval_s": 30, "max_interval_s": 10}]) == []


def test_an_imported_asl_retrier_capped_below_its_interval_loads_with_the_warning() -> None:
    machine = {"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:000000000000:function:call", "End": True,
                 "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 30, "MaxDelaySeconds": 10}]}}}
    result = import_document("asl", json.dumps(machine), "calls")
    assert result.workflow is not None, result.findings
    assert [f.code for f in result.findings if f.code == "retry-max-below-initial"] == ["retry-max-below-initial"]
