"""The runtime contract (brief, "Runtime contract"): each point has a test here that fails if it breaks."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import assert_consistent, edge, final, finished, task, workflow

from engine.errors import ConcurrencyConflict, InstanceNotFound, InvalidInput, TransitionNotAllowed
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from storage.history import HistoryStore
from storage.jobs import JobStore
from storage.timers import TimerStore

MANUAL = workflow(
    {"draft": {"type": "choice"}, "editing": {"type": "wait", "duration": "PT1H"}, "review": task("check"),
     "done": final(), "dropped": final("failure")},
    [edge("draft", "editing"), edge("editing", "review", "submit", assign={"submitted": "true"}),
     edge("editing", "editing", "touch", assign={"touches": "has(context.touches) ? context.touches + 1 : 1"}),
     edge("editing", "dropped", "done"), edge("review", "done", "done"), edge("review", "dropped", "error"),
     edge("*", "dropped", "abort")],
    id="manual",
)


def _rows(engine: Engine, instance_id: str) -> tuple[int, int, int]:
    def count(tx: Any) -> tuple[int, int, int]:
        return (HistoryStore(tx).count(instance_id), len(JobStore(tx).for_instance(instance_id)),
                len(TimerStore(tx).for_instance(instance_id)))
    return engine.runtime.read(count)


# 1. One transition, one database transaction ---------------------------------------------------------------
def test_a_failing_outbox_write_rolls_back_the_instance_and_its_history(engine: Engine,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    engine.deploy(MANUAL)
    run = engine.start("manual")
    before = (engine.get(run.id), _rows(engine, run.id))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(JobStore, "enqueue", broken)  # the `submit` transition enqueues the `check` action
    with pytest.raises(RuntimeError, match="disk full"):
        engine.send(run.id, "submit")
    assert (engine.get(run.id), _rows(engine, run.id)) == before
    monkeypatch.undo()
    after = engine.send(run.id, "submit")
    assert after.state == "review"
    assert after.version == before[0].version + 1


def test_a_failing_start_leaves_no_instance(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    engine.deploy(MANUAL)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("crash while arming")

    monkeypatch.setattr(TimerStore, "arm", broken)
    with pytest.raises(RuntimeError):
        engine.start("manual")
    assert engine.list_instances() == []


def test_every_transition_writes_one_gapless_history_row(engine: Engine, clock: ManualClock) -> None:
    engine.deploy(MANUAL)
    run = engine.start("manual", actor="ann")
    clock.advance(5)
    engine.send(run.id, "touch", {"why": "typo"}, actor="bob")
    engine.send(run.id, "touch")
    history = engine.history(run.id)
    assert [(h.seq, h.from_state, h.to_state, h.event) for h in history] == [
        (1, None, "draft", "(start)"), (2, "draft", "editing", "(auto)"), (3, "editing", "editing", "touch"),
        (4, "editing", "editing", "touch")]
    third = history[2]
    assert third.actor == "bob"
    assert third.payload == {"why": "typo"}
    assert third.context_change == {"set": {"touches": 1}}
    assert third.duration_s == pytest.approx(5)
    assert history[0].actor == "ann"
    assert_consistent(engine, run.id)


def test_a_page_of_history_is_the_same_rows_as_the_whole_with_its_tasks_attempts(engine: Engine,
                                                                                  clock: ManualClock) -> None:
    """`history(after_seq=, limit=)` reads only its page; each row as in the whole history, the attempts of the task
    it left included. `trail` is every row in brief."""
    engine.deploy(workflow({"work": task("work", output="out", retry={"max_attempts": 3, "initial_interval_s": 1}),
                            "idle": {"type": "wait", "event": {"type": "never"}}, "ok": final()},
                           [edge("work", "idle", "done"), edge("idle", "idle", "poke"), edge("idle", "ok", "stop")]))
    tries: list[int] = []

    @engine.register("work")
    def work(request: ActionRequest) -> int:
        tries.append(request.attempt)
        if request.attempt == 1:
            raise ActionError("unavailable", "not yet")
        return 7

    run = engine.start("flow", actor="ann")
    engine.run_until_idle()
    clock.advance(5)
    engine.run_until_idle()
    for n in range(6):
        engine.send(run.id, "poke", {"n": n})
    whole = engine.history(run.id)
    assert [h.seq for h in whole] == list(range(1, 9))
    assert [len(h.attempts) for h in whole[:3]] == [0, 2, 0]  # the task's two attempts, on the row that left it
    for after, limit in ((0, 3), (1, 1), (2, 4), (5, 10), (8, 5), (0, None)):
        assert engine.history(run.id, after_seq=after, limit=limit) == whole[after:None if limit is None else
                                                                                  after + limit]
    assert [(t.seq, t.from_state, t.to_state, t.event, t.actor) for t in engine.trail(run.id)] == [
        (h.seq, h.from_state, h.to_state, h.event, h.actor) for h in whole]
    with pytest.raises(InvalidInput):
        engine.history(run.id, after_seq=-1)


# 2. Actions at least once with a stable key; their done/error applied exactly once ------------------------
def _task_flow(engine: Engine, calls: list[str]) -> None:
    engine.deploy(workflow({"work": task("work", output="out"), "ok": final()}, [edge("work", "ok", "done")]))

    @engine.register("work")
    def work(request: ActionRequest) -> int:
        calls.append(request.idempotency_key)
        return len(calls)


def test_a_dead_workers_job_runs_again_after_its_lease_and_done_applies_once(engine: Engine,
                                                                             clock: ManualClock) -> None:
    calls: list[str] = []
    _task_flow(engine, calls)
    run = engine.start("flow")
    dying = engine.worker(owner="dying")
    assert len(dying.claim()) == 1  # ... and the worker dies here, holding the lease
    engine.run_until_idle()
    assert calls == []
    assert engine.get(run.id).state == "work"
    clock.advance(engine.runtime.lease_s + 1)
    done = finished(engine, run)
    assert done.state == "ok"
    assert calls == [f"{run.id}:1"]
    assert len(engine.history(run.id)) == 2


def test_a_late_worker_whose_lease_was_taken_over_applies_nothing(engine: Engine, clock: ManualClock) -> None:
    calls: list[str] = []
    _task_flow(engine, calls)
    run = engine.start("flow")
    slow = engine.worker(owner="slow")
    claimed = slow.claim()
    clock.advance(engine.runtime.lease_s + 1)
    assert engine.run_until_idle() >= 1  # another worker re-runs the job and applies `done`
    slow.execute(claimed)  # the slow one finally finishes its (lapsed) attempt
    assert calls == [f"{run.id}:1", f"{run.id}:1"]  # at least once: twice, with the same key
    history = engine.history(run.id)
    assert [h.event for h in history] == ["(start)", "done"]  # exactly once
    assert engine.get(run.id).context["out"] == 1
    assert_consistent(engine, run.id)


def test_a_takeover_in_flight_still_applies_done_exactly_once(engine: Engine, clock: ManualClock) -> None:
    calls: list[str] = []
    _task_flow(engine, calls)
    run = engine.start("flow")
    first, second = engine.worker(owner="first"), engine.worker(owner="second")
    claimed_first = first.claim()
    clock.advance(engine.runtime.lease_s + 1)
    claimed_second = second.claim()
    assert [c.job.id for c in claimed_first] == [c.job.id for c in claimed_second]
    first.execute(claimed_first)  # lost its lease: finishes nothing
    assert engine.get(run.id).state == "work"
    second.execute(claimed_second)
    assert engine.get(run.id).state == "ok"
    assert len(engine.history(run.id)) == 2


def test_an_action_result_for_a_state_already_left_is_dropped(engine: Engine) -> None:
    engine.deploy(MANUAL)
    engine.register("check", lambda request: "fine")
    run = engine.start("manual")
    engine.send(run.id, "submit")
    worker = engine.worker(owner="w")
    claimed = worker.claim()
    engine.send(run.id, "abort")  # leaves `review` while its action is in flight
    worker.execute(claimed)
    assert engine.get(run.id).state == "dropped"
    assert [h.event for h in engine.history(run.id)][-1] == "abort"


def test_a_batch_whose_instance_moved_on_meanwhile_still_applies_the_others_once(engine: Engine) -> None:
    engine.deploy(MANUAL)
    engine.register("check", lambda request: "fine")
    runs = [engine.start("manual") for _ in range(4)]
    for run in runs:
        engine.send(run.id, "submit")
    worker = engine.worker(owner="w")
    claimed = worker.claim()
    assert len(claimed) == 4
    engine.send(runs[2].id, "abort")  # decided on as claimed, this one would write a stale version
    worker.execute(claimed)
    for run in runs:
        history = engine.history(run.id)
        assert_consistent(engine, run.id)
        if run is runs[2]:
            assert (engine.get(run.id).state, history[-1].event) == ("dropped", "abort")
        else:
            assert [h.event for h in history].count("done") == 1
            assert engine.get(run.id).state == "done"


# 3. Idempotent external events -------------------------------------------------------------------------------
def test_a_repeated_send_returns_the_first_result_and_adds_no_history(engine: Engine) -> None:
    engine.deploy(MANUAL)
    run = engine.start("manual")
    first = engine.send(run.id, "touch", idempotency_key="k1")
    again = engine.send(run.id, "touch", idempotency_key="k1")
    assert again == first
    assert len(engine.history(run.id)) == first.version == 3
    other = engine.send(run.id, "touch", idempotency_key="k2")
    assert other.version == 4
    assert other.context["touches"] == 2


def test_a_repeated_start_returns_the_same_instance(engine: Engine) -> None:
    engine.deploy(MANUAL)
    first = engine.start("manual", idempotency_key="order-7")
    again = engine.start("manual", idempotency_key="order-7")
    assert again.id == first.id
    assert len(engine.list_instances()) == 1
    assert engine.start("manual", idempotency_key="order-7", tenant="other").id != first.id


def test_a_key_sent_again_with_another_request_is_refused_and_changes_nothing(engine: Engine) -> None:
    """A client that reuses a key for something else must not be told the first request's answer as though its
    own were done: another event, payload, actor or start context with the same key is refused."""
    engine.deploy(MANUAL)
    run = engine.start("manual", {"n": 1}, idempotency_key="order-8")
    with pytest.raises(InvalidInput, match=r"already started .* with another context"):
        engine.start("manual", {"n": 2}, idempotency_key="order-8")
    first = engine.send(run.id, "touch", {"by": "ann"}, actor="ann", idempotency_key="k1")
    for event, payload, actor in (("touch", {"by": "bob"}, "ann"), ("touch", {"by": "ann"}, "bob"),
                                  ("abort", {"by": "ann"}, "ann")):
        with pytest.raises(InvalidInput, match="'k1' was used before for another request"):
            engine.send(run.id, event, payload, actor=actor, idempotency_key="k1")
    assert engine.send(run.id, "touch", {"by": "ann"}, actor="ann", idempotency_key="k1") == first
    assert engine.get(run.id).version == first.version
    assert len(engine.list_instances()) == 1


# 4. Optimistic versions ------------------------------------------------------------------------------------
def test_a_stale_expected_version_is_a_conflict_and_changes_nothing(engine: Engine) -> None:
    engine.deploy(MANUAL)
    run = engine.start("manual")
    engine.send(run.id, "touch", expected_version=run.version)
    with pytest.raises(ConcurrencyConflict):
        engine.send(run.id, "touch", expected_version=run.version)
    assert engine.get(run.id).version == run.version + 1


def test_a_rejected_event_changes_nothing(engine: Engine) -> None:
    engine.deploy(MANUAL)
    run = engine.start("manual")
    before = (engine.get(run.id), _rows(engine, run.id))
    with pytest.raises(TransitionNotAllowed, match=r"accepted here: abort, submit, touch\)"):  # not done: refused
        engine.send(run.id, "approve")
    with pytest.raises(TransitionNotAllowed, match="runtime fires this event itself"):
        engine.send(run.id, "done")
    assert (engine.get(run.id), _rows(engine, run.id)) == before


def test_unknown_instances_are_reported(engine: Engine) -> None:
    with pytest.raises(InstanceNotFound):
        engine.send("nope", "touch")
    with pytest.raises(InstanceNotFound):
        engine.history("nope")


# 7. Recovery: replay ----------------------------------------------------------------------------------------
def test_replay_matches_and_detects_a_row_that_disagrees_with_its_history(engine: Engine) -> None:
    engine.deploy(MANUAL)
    run = engine.start("manual")
    engine.send(run.id, "touch")
    report = engine.replay(run.id)
    assert report.matches
    assert report.history_rows == 3
    assert report.rebuilt["context"] == {"touches": 1}

    def tamper(tx: Any) -> None:
        tx.execute("UPDATE instances SET context = ? WHERE id = ?", ('{"touches": 5}', run.id))

    engine.runtime.write(tamper)
    broken = engine.replay(run.id)
    assert not broken.matches
    assert any(d.startswith("context:") for d in broken.differences)
