"""Declared best and worst times and costs of each path, on small flows whose figures are worked out by hand
in each test; the critical path, loops, the bound, and the sla."""

from __future__ import annotations

from typing import Any

import pytest

from engine.definition import Agent, TaskState, Workflow
from engine.paths import ModelRate, PathsReport, analyze_paths
from engine.paths.retry_schedule import retry_schedule

SCORER = Agent.model_validate({
    "id": "scorer", "type": "bdr", "version": "1.0.0", "name": "Scorer", "model": "m1", "max_tokens": 2000,
    "policies": {"budget_limit": 0.05, "timeout_seconds": 20},
})
PRICES = {"m1": ModelRate(prompt_per_million=1.0, completion_per_million=10.0)}


def _flow(**extra: Any) -> Workflow:
    return Workflow.model_validate({
        "id": "lead", "title": "Lead", "initial": "extract",
        "context": {"type": "object", "properties": {"score": {"type": "integer"}}},
        "states": {
            "extract": {"type": "task", "action": "extract_lead", "agent": "scorer", "timeout_s": 30,
                        "retry": {"max_attempts": 3, "backoff": "exponential", "initial_interval_s": 2,
                                  "multiplier": 2, "jitter": True}},
            "route": {"type": "choice"},
            "review": {"type": "approval", "approvers": {"roles": ["manager"]}, "timeout": "PT2H",
                       "escalation": {"after": "PT1H", "to": {"roles": ["director"]}}},
            "cool_off": {"type": "wait", "duration": "PT10M"},
            "booked": {"type": "final"},
            "rejected": {"type": "final", "outcome": "failure"},
        },
        "transitions": [
            {"source": "extract", "trigger": "done", "dest": "route"},
            {"source": "extract", "trigger": "error", "dest": "rejected"},
            {"source": "route", "dest": "review", "guard": "score >= 70", "priority": 1},
            {"source": "route", "dest": "rejected"},
            {"source": "review", "trigger": "approve", "dest": "cool_off"},
            {"source": "review", "trigger": "reject", "dest": "rejected"},
            {"source": "review", "trigger": "timeout", "dest": "rejected"},
            {"source": "cool_off", "trigger": "done", "dest": "booked"},
        ],
        **extra,
    })


def _by_route(report: PathsReport) -> dict[str, Any]:
    return {" ".join(f"{s.state}-{s.trigger or 'auto'}" for s in p.steps): p for p in report.paths}


def test_retry_schedule_adds_the_backoff_waits_with_jitter() -> None:
    task = TaskState.model_validate({"type": "task", "action": "a", "retry": {
        "max_attempts": 4, "backoff": "exponential", "initial_interval_s": 2, "multiplier": 3,
        "max_interval_s": 10, "jitter": True}})
    schedule = retry_schedule(task)
    # waits 2, 6, min(18, 10) = 10: 18 s in all, each randomised by ±50% but never past the cap of 10 s
    assert (schedule.attempts, schedule.shortest_waits_s, schedule.longest_waits_s) == (4, 9.0, 3.0 + 9.0 + 10.0)
    plain = TaskState.model_validate({"type": "task", "action": "a"})
    assert (retry_schedule(plain).attempts, retry_schedule(plain).longest_waits_s) == (1, 0.0)


def test_retry_rules_each_add_their_own_retries_and_waits() -> None:
    task = TaskState.model_validate({"type": "task", "action": "a", "retry": [
        {"errors": ["timeout"], "max_attempts": 3, "backoff": "fixed", "initial_interval_s": 5, "jitter": False},
        {"errors": ["rate_limited"], "max_attempts": 3, "initial_interval_s": 2, "multiplier": 3, "jitter": True}]})
    schedule = retry_schedule(task)
    # each rule counts its own retries: 1 + 2 + 2 attempts; waits 5 + 5 exact, 2 + 6 within ±50%
    assert (schedule.attempts, schedule.shortest_waits_s, schedule.longest_waits_s) == (5, 14.0, 22.0)


def test_each_path_adds_timeouts_retries_due_times_and_waits() -> None:
    report = analyze_paths(_flow(), agents={"scorer": SCORER}, prices=PRICES)
    # extract: the agent's 20 s beats the task's 30 s; 3 attempts and waits of 2 and 4 s, at most x1.5 with jitter
    extract_worst = 20 * 3 + (2 + 4) * 1.5  # 69 s
    paths = _by_route(report)
    assert set(paths) == {
        "extract-done route-auto review-approve cool_off-done",
        "extract-done route-auto review-reject",
        "extract-done route-auto review-timeout",
        "extract-done route-auto",
        "extract-error",
    }
    booked = paths["extract-done route-auto review-approve cool_off-done"]
    assert booked.states == ["extract", "route", "review", "cool_off", "booked"]
    assert (booked.best_s, booked.worst_s) == (600, extract_worst + 7200 + 600)
    rejected = paths["extract-done route-auto review-reject"]
    assert (rejected.best_s, rejected.worst_s) == (0, extract_worst + 7200)
    timed_out = paths["extract-done route-auto review-timeout"]
    assert (timed_out.best_s, timed_out.worst_s) == (7200, extract_worst + 7200)  # the due time, exactly
    assert (paths["extract-error"].best_s, paths["extract-error"].worst_s) == (0, extract_worst)
    assert all(p.expected_s is None for p in report.paths)  # no recorded runs
    assert report.basis == "declared"


def test_cost_is_one_full_reply_expected_and_the_budget_per_attempt_at_worst() -> None:
    report = analyze_paths(_flow(), agents={"scorer": SCORER}, prices=PRICES)
    reply = 2000 * 10.0 / 1_000_000  # max_tokens at m1's completion price: $0.02
    for path in report.paths:
        assert path.cost_best == pytest.approx(reply)
        assert path.cost_expected == pytest.approx(reply)
        assert path.cost_worst == pytest.approx(0.05 * 3)  # budget_limit for each of 3 attempts


def test_without_a_price_the_expected_cost_is_unknown_and_said() -> None:
    report = analyze_paths(_flow(), agents={"scorer": SCORER})
    assert {p.cost_expected for p in report.paths} == {None}
    assert any("no price for model 'm1'" in note for note in report.notes)


def test_the_critical_path_is_the_longest_worst_case_and_the_sla_marks_those_over_it() -> None:
    report = analyze_paths(_flow(sla="PT2H"), agents={"scorer": SCORER})
    critical = [p for p in report.paths if p.critical]
    assert [p.final for p in critical] == ["booked"]
    assert report.critical == critical[0].number
    assert report.sla_s == 7200
    over = {" ".join(f"{s.state}-{s.trigger or 'auto'}" for s in p.steps) for p in report.paths if p.sla_at_risk}
    assert over == {"extract-done route-auto review-approve cool_off-done", "extract-done route-auto review-reject",
                    "extract-done route-auto review-timeout"}


def test_parallel_branches_join_and_a_missing_timeout_means_no_limit() -> None:
    flow = Workflow.model_validate({
        "id": "par", "title": "Par", "initial": "both",
        "states": {
            "both": {"type": "parallel", "branches": [
                {"name": "a", "initial": "t", "states": {"t": {"type": "task", "action": "a", "timeout_s": 10},
                                                         "end": {"type": "final"}},
                 "transitions": [{"source": "t", "trigger": "done", "dest": "end"}]},
                {"name": "b", "initial": "w", "states": {"w": {"type": "wait", "duration": "PT1M"},
                                                         "end": {"type": "final"}},
                 "transitions": [{"source": "w", "trigger": "done", "dest": "end"}]}]},
            "ask": {"type": "approval", "approvers": {"roles": ["manager"]}},
            "done": {"type": "final"},
        },
        "transitions": [
            {"source": "both", "trigger": "done", "dest": "done", "guard": "false", "priority": 1},
            {"source": "both", "trigger": "done", "dest": "ask"},
            {"source": "ask", "trigger": "approve", "dest": "done"},
            {"source": "ask", "trigger": "reject", "dest": "done"},
        ],
    })
    report = analyze_paths(flow)
    direct = next(p for p in report.paths if p.states == ["both", "done"])
    assert (direct.best_s, direct.worst_s) == (60, 60)  # both branches must end: the wait's minute, both ways
    asked = [p for p in report.paths if "ask" in p.states]
    assert {(p.best_s, p.worst_s) for p in asked} == {(60, None)}  # nobody has to answer the approval
    assert report.paths[report.critical - 1 if report.critical else 0] in asked
    assert any("no timeout" in note for note in report.notes)


def test_a_map_takes_its_items_batches_at_worst_and_nothing_at_best() -> None:
    """A map was measured as no step at all: 0 s at worst however long its items run, so an sla it breaks was
    never at risk. At worst it runs the most items a map runs (1,000), `max_concurrency` at a time."""
    item = {"initial": "hold", "states": {"hold": {"type": "wait", "duration": "PT1H"},
                                          "check": {"type": "task", "action": "check", "agent": "scorer",
                                                    "timeout_s": 10},
                                          "ok": {"type": "final", "result": {"x": "item"}}},
            "transitions": [{"source": "hold", "trigger": "done", "dest": "check"},
                            {"source": "check", "trigger": "done", "dest": "ok"}]}
    flow = Workflow.model_validate({
        "id": "each", "title": "Each", "initial": "each", "sla": "P1D",
        "context": {"type": "object", "properties": {"items": {"type": "array"}}},
        "states": {"each": {"type": "map", "items": "items", "max_concurrency": 10, "iterator": item,
                            "output": "results"},
                   "done": {"type": "final"}},
        "transitions": [{"source": "each", "trigger": "done", "dest": "done"}],
    })
    report = analyze_paths(flow, agents={"scorer": SCORER}, prices=PRICES)
    (path,) = report.paths
    assert (path.best_s, path.worst_s) == (0, 100 * (3600 + 10))  # 100 batches of an hour's wait and a task
    assert (path.cost_best, path.cost_worst) == (0, 1000 * 0.05)  # each item at most its agent's budget limit
    assert path.cost_expected is None  # how many items is known only at run time
    assert path.sla_at_risk
    assert any("'each' runs its items a batch of 10 at a time" in note for note in report.notes)


def test_a_parallel_state_is_done_at_best_when_its_branches_can_succeed() -> None:
    """A branch's least time was over all its paths, its quick way to a failure final too: a parallel state whose
    branch waits 30 minutes and then succeeds was 'done' in 0 s at best. The join needs the branch to succeed."""
    branch = {"name": "pay", "initial": "charge",
              "states": {"charge": {"type": "task", "action": "charge", "timeout_s": 5},
                         "settle": {"type": "wait", "duration": "PT30M"},
                         "paid": {"type": "final"}, "declined": {"type": "final", "outcome": "failure"}},
              "transitions": [{"source": "charge", "trigger": "done", "dest": "settle"},
                              {"source": "charge", "trigger": "error", "dest": "declined"},
                              {"source": "settle", "trigger": "done", "dest": "paid"}]}
    flow = Workflow.model_validate({
        "id": "pay", "title": "Pay", "initial": "both",
        "states": {"both": {"type": "parallel", "branches": [branch]},
                   "done": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "both", "trigger": "done", "dest": "done"},
                        {"source": "both", "trigger": "error", "dest": "failed"}],
    })
    times = {p.states[-1]: (p.best_s, p.worst_s) for p in analyze_paths(flow).paths}
    assert times == {"done": (1800, 1805), "failed": (0, 1805)}


def test_loops_are_counted_once_and_listed() -> None:
    flow = Workflow.model_validate({
        "id": "loop", "title": "Loop", "initial": "review",
        "states": {
            "review": {"type": "approval", "approvers": {"roles": ["manager"]}, "timeout": "PT1H"},
            "rework": {"type": "task", "action": "rework", "timeout_s": 5},
            "accepted": {"type": "final"},
            "dropped": {"type": "final", "outcome": "failure"},
        },
        "transitions": [
            {"source": "review", "trigger": "approve", "dest": "accepted"},
            {"source": "review", "trigger": "reject", "dest": "rework"},
            {"source": "review", "trigger": "timeout", "dest": "dropped"},
            {"source": "rework", "trigger": "done", "dest": "review"},
            {"source": "rework", "trigger": "error", "dest": "dropped"},
        ],
    })
    report = analyze_paths(flow)
    assert [p.states for p in report.paths] == [
        ["review", "accepted"], ["review", "rework", "dropped"], ["review", "dropped"]]
    through_rework = report.paths[1]
    assert through_rework.loops == [3]  # rework --done--> review goes back: not gone round, listed
    assert (through_rework.best_s, through_rework.worst_s) == (0, 3600 + 5)
    assert any(note.startswith("loops counted once") and "review (transition 4)" in note for note in report.notes)


def test_enumeration_stops_at_the_limit_and_says_so() -> None:
    report = analyze_paths(_flow(), limit=2)
    assert len(report.paths) == 2
    assert report.bounded
    assert "enumeration stopped at 2" in report.notes[0]


def test_a_subflow_takes_as_long_as_its_childs_paths_and_an_unknown_one_has_no_limit() -> None:
    child = Workflow.model_validate({
        "id": "child", "title": "Child", "initial": "pause",
        "states": {"pause": {"type": "wait", "duration": "PT5M"},
                   "check": {"type": "task", "action": "check", "timeout_s": 40},
                   "end": {"type": "final"}},
        "transitions": [{"source": "pause", "trigger": "done", "dest": "check"},
                        {"source": "check", "trigger": "done", "dest": "end"},
                        {"source": "check", "trigger": "error", "dest": "end"}],
    })
    parent = Workflow.model_validate({
        "id": "parent", "title": "Parent", "initial": "run",
        "states": {"run": {"type": "subflow", "workflow": "child"}, "end": {"type": "final"}},
        "transitions": [{"source": "run", "trigger": "done", "dest": "end"}],
    })
    (known,) = analyze_paths(parent, subflow={"child": child}.get).paths
    assert (known.best_s, known.worst_s) == (300, 300 + 40)  # the wait exactly, then the task's timeout at worst
    (unknown,) = analyze_paths(parent).paths
    assert (unknown.best_s, unknown.worst_s) == (0, None)
    assert any("subflow 'child' is not known here" in note for note in analyze_paths(parent).notes)
