"""`plan_instance` as a pure function: two compiled versions, an instance and its open work in, the plan out —
no database. Each case is one rule of what is carried, what is entered afresh and what is refused."""

from __future__ import annotations

from typing import Any

import pytest
from runtime_support import edge, final, task, workflow

from engine.runtime.machines import CompiledWorkflow
from engine.runtime.migration_plan import OpenWork, check_mapping, plan_instance
from storage.approvals import ApprovalDecisionRecord, ApprovalRecord
from storage.events import EventWaitRecord
from storage.instances import InstanceRecord
from storage.jobs import JobRecord
from storage.timers import TimerRecord


def _compiled(version: int, states: dict[str, Any], transitions: list[dict[str, Any]],
              **extra: Any) -> CompiledWorkflow:
    return CompiledWorkflow(workflow(states, transitions, id="w", version=version, **extra))


def _branches(action: str) -> dict[str, Any]:
    return {"type": "parallel", "branches": [
        {"name": "a", "initial": "x", "states": {"x": task(action), "end": final()},
         "transitions": [edge("x", "end", "done")]},
        {"name": "b", "initial": "y", "states": {"y": task("y"), "end": final()},
         "transitions": [edge("y", "end", "done")]}]}


def _version(version: int, *, work: str = "work", action: str = "act", fan_action: str = "x",
             timeout: bool = True) -> CompiledWorkflow:
    states = {"start": task("begin"), work: task(action), "fan": _branches(fan_action),
              "ask": {"type": "approval", "approvers": {"roles": ["r"]}, "timeout": "PT1H"},
              "ok": final(), "no": final("failure")}
    transitions = [edge("start", work, "done"), edge(work, "fan", "done"), edge("fan", "ask", "done"),
                   edge("ask", "ok", "approve"), edge("ask", "no", "reject")]
    if timeout:
        transitions.append(edge("ask", "no", "timeout"))
    return _compiled(version, states, transitions)


def _instance(state: str, *, status: str = "running", parent: str | None = None, branch: str = "",
              context: dict[str, Any] | None = None) -> InstanceRecord:
    return InstanceRecord("i1", "w", 1, branch, "t", state, status, context or {}, None, None, 4, parent, None,
                          0.0, 0.0)


def _job(status: str, action: str = "act") -> JobRecord:
    return JobRecord(7, "action", "i1", "i1:4", {"seq": 4, "state": "work", "action": action}, status, 1, 0.0,
                     None, None, None)


def _approval() -> ApprovalRecord:
    return ApprovalRecord(3, "i1", 4, "t", "w", "ask", "state", None, 1, {}, "pending", None, 0.0)


OLD = _version(1)


def test_an_unchanged_state_carries_its_open_work() -> None:
    work = OpenWork(approvals=(_approval(),), timers=(TimerRecord(1, "i1", 4, "timeout", 3600.0, "armed"),))
    plan = plan_instance(OLD, _version(2), _instance("ask"), work)
    assert (plan.state_change, plan.entry, plan.refused) == ("kept", "carried", None)
    assert [(p.kind, p.outcome) for p in plan.pending] == [("timer", "carried"), ("approval", "carried")]


def test_each_piece_of_open_work_has_the_fields_of_its_kind() -> None:
    """Only an approval's approve decisions count (of another approval: not at all); a key-less wait has none."""
    decided = {3: (ApprovalDecisionRecord(3, "ana", "approve", None, 1.0),
                   ApprovalDecisionRecord(3, "bo", "approve", "ok", 2.0)),
               9: (ApprovalDecisionRecord(9, "cy", "approve", None, 1.0),)}
    work = OpenWork(approvals=(_approval(),), timers=(TimerRecord(1, "i1", 4, "timeout", 3600.5, "armed"),),
                    event_waits=(EventWaitRecord(2, "i1", 4, "t", "paid", None, "waiting"),), decisions=decided)
    plan = plan_instance(OLD, _version(2), _instance("ask"), work)
    none = dict.fromkeys(("due_at", "event", "correlation_key", "approval_id", "approvals", "quorum"))
    assert [p.as_dict() for p in plan.pending] == [
        {**none, "kind": "timer", "detail": "'timeout' due 1970-01-01T01:00:00.500000Z", "outcome": "carried",
         "due_at": "1970-01-01T01:00:00.500000Z", "event": "timeout"},
        {**none, "kind": "event_wait", "detail": "for 'paid'", "outcome": "carried", "event": "paid"},
        {**none, "kind": "approval", "detail": "#3 in 'ask', quorum 1", "outcome": "carried", "approval_id": 3,
         "approvals": 2, "quorum": 1}]
    (alone,) = plan_instance(OLD, _version(2), _instance("ask"), OpenWork(approvals=(_approval(),))).pending
    assert (alone.approvals, alone.quorum) == (0, 1)


def test_a_carried_timer_whose_event_the_new_version_does_not_take_is_refused() -> None:
    work = OpenWork(timers=(TimerRecord(1, "i1", 4, "timeout", 3600.0, "armed"),))
    plan = plan_instance(OLD, _version(2, timeout=False), _instance("ask"), work)
    assert plan.refused is not None
    assert plan.refused == ("its timer fires 'timeout', which no transition of version 2 takes from 'ask': migrate "
                            "it once it has left 'ask', or to a version with a transition for 'timeout' from there")


def test_a_changed_task_is_entered_afresh_and_its_ready_job_cancelled() -> None:
    plan = plan_instance(OLD, _version(2, action="act_v2"), _instance("work"), OpenWork(jobs=(_job("ready"),)))
    assert (plan.state_change, plan.entry, plan.refused) == ("kept", "entered", None)
    assert [(p.kind, p.outcome) for p in plan.pending] == [("action", "cancelled")]
    assert plan.notes == ("'work' is entered afresh in version 2: its action runs",)


@pytest.mark.parametrize("new", [_version(2), _version(2, action="act_v2")], ids=["same action", "changed action"])
def test_an_action_running_on_a_worker_is_refused(new: CompiledWorkflow) -> None:
    plan = plan_instance(OLD, new, _instance("work"), OpenWork(jobs=(_job("running"),)))
    assert plan.refused is not None
    assert "is running on a worker (job 7)" in plan.refused


def test_a_missing_state_is_refused_unless_mapped() -> None:
    new = _version(2, work="labour")
    plan = plan_instance(OLD, new, _instance("work"), OpenWork(jobs=(_job("ready"),)))
    assert (plan.state_change, plan.target_state) == ("missing", None)
    assert plan.refused == "the state 'work' is not in version 2; map it to one of its states"
    mapped = plan_instance(OLD, new, _instance("work"), OpenWork(jobs=(_job("ready"),)), {"work": "labour"})
    # 'labour' is 'work' renamed, doing the same: its queued action is carried, not entered afresh
    assert (mapped.state_change, mapped.target_state, mapped.entry, mapped.refused) == (
        "mapped", "labour", "carried", None)


def test_parallel_branches_that_do_not_line_up_are_refused() -> None:
    child = InstanceRecord("c1", "w", 1, "fan.a", "t", "x", "running", {}, None, None, 1, "i1", 4, 0.0, 0.0)
    work = OpenWork(children=(child,))
    assert plan_instance(OLD, _version(2), _instance("fan"), work).refused is None  # the same branches: carried
    changed = plan_instance(OLD, _version(2, fan_action="x2"), _instance("fan"), work)
    assert changed.refused is not None
    assert "1 child instance runs for 'fan', which does not line up" in changed.refused


def test_children_busy_stuck_instances_and_bad_contexts_are_refused() -> None:
    schema = {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "number"}}}
    new = _compiled(2, {"work": task("act"), "ok": final()}, [edge("work", "ok", "done")], context=schema)
    inner = plan_instance(OLD, new, _instance("work", parent="p9", context={"amount": 1}), OpenWork())
    assert inner.refused == "it runs inside the instance p9; migrate that one"
    stuck = plan_instance(OLD, new, _instance("work", status="stuck", context={"amount": 1}), OpenWork())
    assert (stuck.refused, stuck.entry) == (None, "awaits_redrive")  # moved as it is, for its redrive
    busy = plan_instance(OLD, new, _instance("work", status="stuck", context={"amount": 1}),
                         OpenWork(jobs=(_job("ready"),)))
    assert busy.refused == ("it is stuck but still has open work ('act' (job 7, ready)): redrive or cancel it on "
                            "version 1")
    bad = plan_instance(OLD, new, _instance("work", context={"amount": "x"}), OpenWork())
    assert bad.context_problems[0].startswith("/amount:")
    assert bad.refused == (
        "its context does not fit the schema of version 2: leave it on version 1, where it runs on to its end, or "
        "migrate it to a version whose schema takes its context (a running instance's context cannot be corrected; "
        "a failed or stuck one's can, with a redrive)")


@pytest.mark.parametrize("status", ["running", "held"])
def test_a_context_that_does_not_fit_says_what_can_be_done(status: str) -> None:
    schema = {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "number"}}}
    new = _compiled(3, {"work": task("act"), "ok": final()}, [edge("work", "ok", "done")], context=schema)
    plan = plan_instance(OLD, new, _instance("work", status=status, context={"amount": "x"}), OpenWork())
    assert plan.refused is not None
    assert plan.refused.startswith("its context does not fit the schema of version 3: leave it on version 1, "
                                   "where it runs on to its end, or migrate it to a version whose schema takes")


def test_a_stuck_instance_whose_context_does_not_fit_is_told_to_correct_it_in_its_redrive() -> None:
    schema = {"type": "object", "required": ["amount"], "properties": {"amount": {"type": "number"}}}
    new = _compiled(2, {"work": task("act"), "ok": final()}, [edge("work", "ok", "done")], context=schema)
    plan = plan_instance(OLD, new, _instance("work", status="stuck", context={"amount": "x"}), OpenWork())
    assert plan.context_problems[0].startswith("/amount:")
    assert plan.refused == (
        "it is stuck and waits for an operator, and its context does not fit the schema of version 2: redrive it "
        "with the corrections its context needs (a redrive may set context values), then migrate it again; or "
        "cancel it")


def test_check_mapping_names_each_problem() -> None:
    assert check_mapping({"work": "ask"}, OLD, _version(2)) == []
    assert check_mapping({"nope": "ask", "work": "gone"}, OLD, _version(2)) == [
        "'nope' is not a state of version 1", "'gone' (for 'work') is not a state of version 2"]


@pytest.mark.parametrize(("wait", "starts"), [
    ({"duration": "PT1H"}, "it waits again, timed from now"),
    ({"event": {"type": "paid"}, "timeout": "P1D"}, "it waits again for 'paid', its timeout timed from now"),
    ({"event": {"type": "paid"}}, "it waits again for 'paid', with no timeout"),
    ({"deadline": "'2030-01-01T09:00:00Z'"}, "it waits again until its deadline, worked out anew"),
])
def test_a_wait_entered_afresh_is_said_to_be_timed_from_now_only_when_it_is(wait: dict[str, Any],
                                                                            starts: str) -> None:
    """A wait for an event with no timeout has nothing timed; a deadline is a moment, not a span from now."""
    new = _compiled(2, {"work": task("act"), "hold": {"type": "wait", **wait}, "ok": final(), "no": final("failure")},
                    [edge("work", "hold", "done"), edge("hold", "ok", "done"), edge("hold", "no", "timeout")])
    plan = plan_instance(OLD, new, _instance("work"), OpenWork(), {"work": "hold"})
    assert (plan.entry, plan.refused) == ("entered", None)
    assert plan.notes == (f"'hold' is entered afresh in version 2: {starts}",)
