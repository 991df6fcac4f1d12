"""Retry rules without a database: which rule takes a failure, how each counts its own retries and waits, the
shorthand as one rule; malformed paths and misplaced `errors` as findings; `errors` on an `error` transition
deciding which one fires."""

from __future__ import annotations

import random
from typing import Any

import pytest
from runtime_support import edge, final, task, workflow

from engine.definition import Retry, RetryRule, TaskState, retry_rules
from engine.runtime.decide import decide, start
from engine.runtime.lost_attempts import LOST_ATTEMPTS_WITHOUT_RETRY, attempt_limit
from engine.runtime.machines import CompiledWorkflow
from engine.runtime.retries import parse_rules, plan_retry
from engine.runtime.snapshot import Environment, Event
from engine.validation.loader import load_workflow
from storage.jobs import JobRecord

RULES = (RetryRule(errors=["timeout"], max_attempts=3, backoff="fixed", initial_interval_s=5, jitter=False),
         RetryRule(errors=["rate_limited"], max_attempts=4, initial_interval_s=2, multiplier=3, jitter=False),
         RetryRule(errors=["*"], max_attempts=2, initial_interval_s=1, jitter=False))


def _plan(kind: str, last_error: Any = None, attempt: int = 1, retryable: bool = True) -> Any:
    return plan_retry(RULES, kind, retryable, attempt=attempt, last_error=last_error, rng=random.Random(1))


def test_the_first_rule_naming_the_kind_applies_and_the_catch_all_takes_the_rest() -> None:
    assert (_plan("timeout").rule, _plan("timeout").delay_s) == (0, 5)
    assert (_plan("rate_limited").rule, _plan("rate_limited").delay_s) == (1, 2)
    assert (_plan("unavailable").rule, _plan("unavailable").retries) == (2, (0, 0, 1))
    assert _plan("timeout", retryable=False) is None


def test_each_rule_counts_and_backs_off_by_its_own_retries() -> None:
    after = {"kind": "timeout", "retries": [1, 2, 0]}
    rate = _plan("rate_limited", after, attempt=4)
    assert (rate.retries, rate.delay_s) == ((1, 3, 0), 2 * 3**2)  # its third retry: 2 s * 3^2
    assert _plan("timeout", {"retries": [2, 0, 0]}, attempt=3) is None  # 3 attempts: 2 retries spent
    assert _plan("timeout", {"retries": [1, 3, 0]}, attempt=5).retries == (2, 3, 0)


def test_a_kind_no_rule_names_is_not_retried() -> None:
    rules = (RetryRule(errors=["timeout"]),)
    assert plan_retry(rules, "validation", True, attempt=1, last_error=None, rng=random.Random(1)) is None


def test_jitter_spreads_a_wait_within_half_either_side() -> None:
    rule = (RetryRule(initial_interval_s=100, jitter=True),)
    delays = {plan_retry(rule, "x", True, attempt=1, last_error=None, rng=random.Random(seed)).delay_s  # type: ignore[union-attr]
              for seed in range(20)}
    assert len(delays) > 1
    assert all(50 <= d <= 150 for d in delays)


def test_jitter_never_waits_past_the_longest_wait() -> None:
    """`max_interval_s` is "the longest wait" (and where ASL's MaxDelaySeconds lands on import): jitter only
    shortens a wait at the cap."""
    rule = (RetryRule(max_attempts=10, initial_interval_s=0.2, multiplier=2, max_interval_s=0.6, jitter=True),)
    delays = [plan_retry(rule, "x", True, attempt=5, last_error=None, rng=random.Random(seed)).delay_s  # type: ignore[union-attr]
              for seed in range(200)]
    assert max(delays) <= 0.6
    assert min(delays) >= 0.3  # still spread: half the cap at the shortest
    assert len(set(delays)) > 100


def test_the_policy_object_is_one_rule_for_its_kinds() -> None:
    policy = Retry(max_attempts=4, retry_on=["timeout"], initial_interval_s=3, jitter=False)
    (rule,) = retry_rules(policy)
    assert (rule.errors, rule.max_attempts, rule.initial_interval_s, rule.jitter) == (["timeout"], 4, 3, False)
    assert retry_rules(Retry()) == (RetryRule(),)
    assert retry_rules(None) == ()


def test_a_job_enqueued_with_the_policy_object_counts_its_attempts_so_far() -> None:
    rules = parse_rules({"max_attempts": 3, "jitter": False})
    assert plan_retry(rules, "timeout", True, attempt=2, last_error={"kind": "timeout"}, rng=random.Random(1))
    assert plan_retry(rules, "timeout", True, attempt=3, last_error={"kind": "timeout"}, rng=None) is None
    assert parse_rules(None) == ()
    assert parse_rules([{"errors": ["a"]}]) == (RetryRule(errors=["a"]),)


def test_errors_outside_the_error_trigger_is_a_schema_finding_at_the_transition() -> None:
    document = {"id": "f", "title": "f", "initial": "work",
                "states": {"work": {"type": "task", "action": "w"}, "ok": {"type": "final"}},
                "transitions": [{"source": "work", "trigger": "done", "dest": "ok", "errors": ["timeout"]},
                                {"source": "work", "trigger": "error", "dest": "ok"}]}  # the rest is checked too
    loaded = load_workflow(document)
    assert loaded.model is None
    (finding,) = loaded.findings
    assert (finding.code, finding.pointer) == ("schema", "/transitions/0")
    assert "'errors' applies only to a transition on the trigger 'error'" in finding.message


@pytest.mark.parametrize("path", ["a..b", ".a", "a.", "a.1b", "a b", "a.$"])
def test_a_malformed_output_path_is_a_schema_finding_at_the_output(path: str) -> None:
    document = {"id": "f", "title": "f", "initial": "work",
                "states": {"work": {"type": "task", "action": "w", "output": path}, "ok": {"type": "final"}},
                "transitions": [{"source": "work", "trigger": "done", "dest": "ok"},
                                {"source": "work", "trigger": "error", "dest": "ok"}]}  # the rest is checked too
    loaded = load_workflow(document)
    assert loaded.model is None
    assert [(f.code, f.pointer) for f in loaded.findings] == [("schema", "/states/work/output")]
    assert "names joined by single dots" in loaded.findings[0].message  # a path, not one name


def test_an_error_is_caught_by_the_transition_naming_its_kind_else_by_the_catch_all() -> None:
    compiled = CompiledWorkflow(workflow(
        {"work": task("work", retry=[{"errors": ["timeout"]}]), "slow": final("failure"), "bad": final("failure"),
         "ok": final()},
        [edge("work", "ok", "done"), edge("work", "slow", "error", errors=["timeout", "unavailable"], priority=1),
         edge("work", "bad", "error")]))
    assert isinstance(compiled.states["work"], TaskState)
    env = Environment(now=0.0, instance={"id": "i", "workflow_id": "flow", "version": 1, "tenant": "t"})
    at_work = start(compiled, {}, env).snapshot
    for kind, dest in (("unavailable", "slow"), ("timeout", "slow"), ("validation", "bad")):
        decision = decide(compiled, at_work, Event("error", {"kind": kind, "message": "m"}, system=True), env)
        assert decision.snapshot.state == dest, kind


@pytest.mark.parametrize(("retry", "pointer", "words"), [
    ([{"errors": ["timeout"], "max_attempts": 0}], "/states/work/retry/0/max_attempts", "at least 1"),
    ([{"erors": ["timeout"]}], "/states/work/retry/0/erors", "not a field the format knows"),
    ({"max_attempts": 2, "errors": ["timeout"]}, "/states/work/retry/errors", "'errors' belongs to a rule in a list"),
    ([], "/states/work/retry", "at least one item to 'retry'"),
    (3, "/states/work/retry", "'retry' must be a list of retry rules, or one retry policy object"),
    ([{"errors": ["bad kind!"]}], "/states/work/retry/0/errors/0", "Use '*' (every kind) or an error kind of letters"),
    ({"max_attempts": 2, "retry_on": ["bad kind!"]}, "/states/work/retry/retry_on/0", "Use '*' (every kind)"),
])
def test_a_mistake_in_either_form_of_retry_is_one_finding_at_its_place(retry: Any, pointer: str, words: str) -> None:
    document = {"id": "f", "title": "f", "initial": "work",
                "states": {"work": {"type": "task", "action": "w", "retry": retry}, "ok": {"type": "final"}},
                "transitions": [{"source": "work", "trigger": "done", "dest": "ok"},
                                {"source": "work", "trigger": "error", "dest": "ok"}]}  # the rest is checked too
    (finding,) = load_workflow(document).findings
    assert (finding.code, finding.pointer) == ("schema", pointer)
    assert words in finding.message


@pytest.mark.parametrize(("retry", "limit"), [
    (None, LOST_ATTEMPTS_WITHOUT_RETRY),
    ({"max_attempts": 4, "retry_on": ["timeout"]}, 4),  # a job enqueued with the policy object
    ([{"errors": ["timeout"], "max_attempts": 2}, {"errors": ["*"], "max_attempts": 5}], 5),
])
def test_a_task_loses_as_many_attempts_as_its_most_generous_rule_allows(retry: Any, limit: int) -> None:
    job = JobRecord(id=1, kind="action", instance_id="i", idempotency_key="i:1", payload={"retry": retry},
                    status="running", attempt=1, due_at=0.0, lease_owner=None, lease_expires=None, last_error=None)
    assert attempt_limit(job) == limit
