"""Leases, heartbeats and lost attempts: a job whose worker died is taken up by another as its next attempt, the
lost one recorded; a task whose attempts are all lost ends through its error path, or its instance is `stuck`.

A worker "dies" here by claiming jobs and never running them; the manual clock then passes its lease.
"""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import assert_consistent, edge, final, task, workflow

from engine.errors import TransitionNotAllowed
from engine.read_models.kpis import KpiScope, collect_kpis
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.heartbeat import LEASE_HEARTBEATS
from engine.runtime.lost_attempts import LOST_ATTEMPTS_WITHOUT_RETRY
from engine.runtime.views import InstanceView
from storage.jobs import JobStore

RETRY_TWICE = {"max_attempts": 2, "backoff": "fixed", "initial_interval_s": 1, "jitter": False}


def _deploy(engine: Engine, calls: list[int], *, retry: dict[str, Any] | None = None,
            error_path: bool = True) -> None:
    extra = {} if retry is None else {"retry": retry}
    transitions = [edge("work", "ok", "done"), edge("work", "ok", "skip")]  # `skip`: a caller's event
    if error_path:
        transitions.append(edge("work", "failed", "error"))
    engine.deploy(workflow({"work": task("work", output="out", **extra), "ok": final(),
                            "failed": final("failure")}, transitions))

    @engine.register("work")
    def work(request: ActionRequest) -> int:
        calls.append(request.attempt)
        return request.attempt


def _die_holding(engine: Engine, clock: ManualClock, owner: str) -> None:
    """A worker claims what is runnable, dies, and its lease lapses."""
    assert engine.worker(owner=owner).claim(), "the dying worker found nothing to claim"
    clock.advance(engine.runtime.lease_s + 1)


def _task_attempts(engine: Engine, run: InstanceView) -> list[dict[str, Any]]:
    (left,) = [h for h in engine.history(run.id) if h.from_state == "work"]
    return left.attempts


def test_a_lapsed_lease_counts_as_an_attempt_recorded_as_lost(engine: Engine, clock: ManualClock) -> None:
    calls: list[int] = []
    _deploy(engine, calls, retry={**RETRY_TWICE, "max_attempts": 3})
    run = engine.start("flow")
    _die_holding(engine, clock, "dying")
    engine.run_until_idle()
    done = engine.get(run.id)
    assert (done.state, done.context["out"]) == ("ok", 2)
    assert calls == [2]  # the lost attempt was the first; the survivor ran the second
    lost, ran = _task_attempts(engine, run)
    assert (lost["attempt"], lost["outcome"], lost["error"]["kind"]) == (1, "lost", "lost")
    assert "lease lapsed" in lost["error"]["message"]
    assert (ran["attempt"], ran["outcome"]) == (2, "done")
    assert_consistent(engine, run.id)


def test_a_task_whose_attempts_are_all_lost_takes_its_error_path(engine: Engine, clock: ManualClock) -> None:
    calls: list[int] = []
    _deploy(engine, calls, retry=RETRY_TWICE)
    run = engine.start("flow")
    _die_holding(engine, clock, "first")
    _die_holding(engine, clock, "second")
    engine.run_until_idle()
    ended = engine.get(run.id)
    assert (ended.state, ended.status) == ("failed", "failed")
    assert calls == []  # never run a third time
    error = engine.history(run.id)[-1].payload
    assert (error["kind"], error["attempts"]) == ("lost", 2)
    assert [(a["attempt"], a["outcome"]) for a in _task_attempts(engine, run)] == [(1, "lost"), (2, "lost")]
    jobs = engine.runtime.read(lambda tx: JobStore(tx).for_instance(run.id))
    assert [(j.status, j.last_error["kind"]) for j in jobs] == [("failed", "lost")]
    assert_consistent(engine, run.id)


def test_lost_attempts_count_whatever_kinds_the_policy_retries(engine: Engine, clock: ManualClock) -> None:
    calls: list[int] = []
    _deploy(engine, calls, retry={**RETRY_TWICE, "max_attempts": 3, "retry_on": ["flaky"]})
    run = engine.start("flow")
    _die_holding(engine, clock, "first")
    _die_holding(engine, clock, "second")
    assert finished_state(engine, run) == "ok"
    assert calls == [3]


def finished_state(engine: Engine, run: InstanceView) -> str:
    engine.run_until_idle()
    return engine.get(run.id).state


def test_without_an_error_path_the_instance_is_stuck_for_an_operator(engine: Engine, clock: ManualClock) -> None:
    calls: list[int] = []
    _deploy(engine, calls, error_path=False)  # and no retry policy: the default number of attempts
    run = engine.start("flow")
    for n in range(LOST_ATTEMPTS_WITHOUT_RETRY):
        _die_holding(engine, clock, f"dying-{n}")
    engine.run_until_idle()
    stuck = engine.get(run.id)
    assert (stuck.state, stuck.status, stuck.ended) == ("work", "stuck", False)
    assert stuck.error["kind"] == "lost"
    assert stuck.error["attempts"] == LOST_ATTEMPTS_WITHOUT_RETRY
    assert calls == []
    assert [i.id for i in engine.list_instances(status="stuck")] == [run.id]
    assert engine.count_instances(status="stuck") == 1
    outcomes = [a["outcome"] for a in _task_attempts(engine, run)]
    assert outcomes == ["lost"] * LOST_ATTEMPTS_WITHOUT_RETRY
    assert_consistent(engine, run.id)
    with pytest.raises(TransitionNotAllowed, match="stuck"):
        engine.send(run.id, "skip")
    assert engine.cancel(run.id).status == "cancelled"


def test_a_task_without_retry_policy_survives_fewer_lost_attempts_than_the_default(engine: Engine,
                                                                                  clock: ManualClock) -> None:
    calls: list[int] = []
    _deploy(engine, calls, error_path=False)
    run = engine.start("flow")
    for n in range(LOST_ATTEMPTS_WITHOUT_RETRY - 1):
        _die_holding(engine, clock, f"dying-{n}")
    assert finished_state(engine, run) == "ok"
    assert calls == [LOST_ATTEMPTS_WITHOUT_RETRY]


def test_a_failing_attempt_and_a_lost_one_share_the_limit(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(workflow({"work": task("work", retry=RETRY_TWICE), "ok": final(), "failed": final("failure")},
                           [edge("work", "ok", "done"), edge("work", "failed", "error")]))
    engine.register("work", lambda request: (_ for _ in ()).throw(ActionError("flaky", "no")))
    run = engine.start("flow")
    engine.run_until_idle()  # attempt 1 fails and is retried
    clock.advance(1)
    _die_holding(engine, clock, "dying")  # attempt 2 is lost with its worker
    assert finished_state(engine, run) == "failed"
    assert [(a["attempt"], a["outcome"]) for a in _task_attempts(engine, run)] == [(1, "retry"), (2, "lost")]


def test_a_lost_attempt_between_failures_counts_against_the_rule_too(engine: Engine, clock: ManualClock) -> None:
    """Fail, lose, fail: with `max_attempts` 3 the action runs no fourth time (the lost attempt counts against
    the rule as a failed one would, not only against the lost-attempt limit)."""
    three = {**RETRY_TWICE, "max_attempts": 3, "retry_on": ["flaky"]}
    engine.deploy(workflow({"work": task("work", retry=three), "ok": final(), "failed": final("failure")},
                           [edge("work", "ok", "done"), edge("work", "failed", "error")]))
    ran: list[int] = []

    def flaky(request: ActionRequest) -> None:
        ran.append(request.attempt)
        raise ActionError("flaky", f"attempt {request.attempt} failed")

    engine.register("work", flaky)
    run = engine.start("flow")
    engine.run_until_idle()  # attempt 1 fails and is retried
    clock.advance(1)
    _die_holding(engine, clock, "dying")  # attempt 2 is lost with its worker
    engine.run_until_idle()  # attempt 3 fails: the rule's last
    clock.advance(5)
    engine.run_until_idle()
    assert finished_state(engine, run) == "failed"
    assert ran == [1, 3]
    assert [(a["attempt"], a["outcome"]) for a in _task_attempts(engine, run)] == [(1, "retry"), (2, "lost"),
                                                                                   (3, "error")]


# --- heartbeats -----------------------------------------------------------------------------------------


def test_a_lease_lasts_a_few_heartbeats_not_the_tasks_timeout(database_url: str, clock: ManualClock) -> None:
    with Engine(database_url, clock=clock, heartbeat_s=0.5) as engine:
        engine.deploy(workflow({"work": task("work", timeout_s=300), "ok": final()}, [edge("work", "ok", "done")]))
        engine.start("flow")
        (claimed,) = engine.worker(owner="w").claim()
        assert engine.runtime.lease_s == LEASE_HEARTBEATS * 0.5
        assert claimed.job.lease_expires == pytest.approx(clock.now() + LEASE_HEARTBEATS * 0.5)


def test_a_heartbeat_keeps_a_running_job_from_being_taken_over(engine: Engine, clock: ManualClock) -> None:
    _deploy(engine, [])
    engine.start("flow")
    alive, other = engine.worker(owner="alive"), engine.worker(owner="other")
    (claimed,) = alive.claim()
    with alive.heartbeat.holding([claimed.job.id]):
        for _ in range(5):
            clock.advance(engine.runtime.lease_s - 1)
            assert alive.heartbeat.beat() == 1
            assert other.claim() == []
    clock.advance(engine.runtime.lease_s + 1)  # no heartbeat since the block ended: the lease lapses
    (taken,) = other.claim()
    assert (taken.job.id, taken.job.attempt, taken.job.reclaimed) == (claimed.job.id, 2, True)
    with alive.heartbeat.holding([claimed.job.id]):
        assert alive.heartbeat.beat() == 0  # the job is another worker's now: its lease is left alone


def test_a_heartbeat_renews_only_the_jobs_held_at_the_moment(engine: Engine, clock: ManualClock) -> None:
    _deploy(engine, [])
    engine.start("flow")
    worker = engine.worker(owner="w")
    assert worker.heartbeat.beat() == 0
    (claimed,) = worker.claim()
    with worker.heartbeat.holding([claimed.job.id]), worker.heartbeat.holding([claimed.job.id]):
        pass
    assert worker.heartbeat.beat() == 0  # released by both blocks: nothing held, nothing renewed


def test_a_worker_dying_while_it_ends_the_task_adds_no_attempt(engine: Engine, clock: ManualClock) -> None:
    calls: list[int] = []
    _deploy(engine, calls, retry=RETRY_TWICE)
    run = engine.start("flow")
    for owner in ("first", "second", "third"):  # the third took the job to end the task, and died too
        _die_holding(engine, clock, owner)
    assert finished_state(engine, run) == "failed"
    assert [(a["attempt"], a["outcome"]) for a in _task_attempts(engine, run)] == [(1, "lost"), (2, "lost")]
    assert engine.history(run.id)[-1].payload["attempts"] == 2
    assert calls == []


def test_the_kpis_count_a_task_lost_for_good_as_a_failed_run_and_one_still_tried_as_none(
        engine: Engine, clock: ManualClock) -> None:
    calls: list[int] = []
    _deploy(engine, calls, retry=RETRY_TWICE)
    gave_up = engine.start("flow")
    _die_holding(engine, clock, "first")
    _die_holding(engine, clock, "second")
    engine.run_until_idle()  # both attempts lost: the task took its error path
    trying = engine.start("flow")
    _die_holding(engine, clock, "third")  # one attempt lost, the second not run yet
    overall, _ = collect_kpis(engine.database, KpiScope(instance_ids=[gave_up.id, trying.id]))
    assert (overall.task_runs, overall.success_rate) == (1, 0.0)
    assert overall.action_attempts == 2  # the third worker's attempt is known lost once its job is taken over
    assert overall.retry_rate == 0.5  # the instance whose task needed a second attempt
    engine.run_until_idle()
    overall, _ = collect_kpis(engine.database, KpiScope(instance_ids=[gave_up.id, trying.id]))
    assert (overall.task_runs, overall.success_rate, overall.action_attempts) == (2, 0.5, 4)


def test_an_operator_redrives_a_stuck_instance_and_its_task_runs_afresh(engine: Engine, clock: ManualClock) -> None:
    calls: list[int] = []
    _deploy(engine, calls, error_path=False)
    run = engine.start("flow")
    for n in range(LOST_ATTEMPTS_WITHOUT_RETRY):
        _die_holding(engine, clock, f"dying-{n}")
    engine.run_until_idle()
    assert engine.get(run.id).status == "stuck"
    resumed = engine.redrive(run.id, actor="ops")
    assert (resumed.state, resumed.status) == ("work", "running")
    engine.run_until_idle()
    done = engine.get(run.id)
    assert (done.state, done.status, done.context["out"]) == ("ok", "succeeded", 1)  # a fresh attempt series
    assert calls == [1]
    assert [(h.event, h.actor) for h in engine.history(run.id)][-2] == ("(redrive)", "ops")
    assert_consistent(engine, run.id)
