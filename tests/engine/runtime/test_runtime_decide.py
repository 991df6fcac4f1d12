"""The pure step: (compiled workflow, snapshot, event) → new snapshot, transitions with guard values, effects."""

from __future__ import annotations

import copy

import pytest
from runtime_support import edge, final, task, workflow

from engine.errors import TransitionNotAllowed
from engine.runtime.decide import MAX_AUTOMATIC_STEPS, decide, start
from engine.runtime.effects import ArmTimer, ClearWaits, Complete, RequestApproval, RunAction, StartChild
from engine.runtime.machines import CompiledWorkflow, MachineCache, branch_workflow
from engine.runtime.snapshot import Environment, Event, Snapshot

ENV = Environment(now=1_900_000_000.0, instance={"id": "i1", "workflow": "flow", "version": 1, "tenant": "t"})

ROUTE = CompiledWorkflow(workflow(
    {"score": task("score", output="lead"), "route": {"type": "choice"}, "hot": final(result={"s": "lead.score"}),
     "warm": final(), "cold": final("failure")},
    [edge("score", "route", "done"),
     edge("route", "warm", guard="lead.score >= 40", priority=1),
     edge("route", "hot", guard="lead.score >= 70", priority=2),
     edge("route", "cold")],
))


def test_start_enters_the_initial_state_and_asks_for_its_action() -> None:
    decision = start(ROUTE, {"email": "a@b.c"}, ENV)
    (step,) = decision.steps
    assert (step.source, step.dest, step.event, step.status) == (None, "score", "(start)", "running")
    assert step.effects == (RunAction("score", "score", {}, None, (), None),)
    assert decision.snapshot == Snapshot("score", {"email": "a@b.c"})


@pytest.mark.parametrize(("score", "dest", "tried"), [
    (90, "hot", [("hot", True)]),
    (50, "warm", [("hot", False), ("warm", True)]),
    (10, "cold", [("hot", False), ("warm", False), ("cold", True)]),
])
def test_choice_tries_guards_by_priority_and_takes_the_default_last(score: int, dest: str,
                                                                    tried: list[tuple[str, bool]]) -> None:
    decision = decide(ROUTE, Snapshot("score", {}), Event("done", {"score": score}), ENV)
    done, automatic = decision.steps
    assert done.changes == {"lead": {"score": score}}
    assert (automatic.source, automatic.dest, automatic.event) == ("route", dest, "(auto)")
    assert [(g.dest, g.value) for g in automatic.guards] == tried
    assert decision.snapshot.state == dest
    assert decision.snapshot.status in ("succeeded", "failed")


def test_an_unguarded_answer_given_again_records_the_same_transition_and_guard() -> None:
    first, again = (decide(ROUTE, Snapshot("score", {}), Event("done", {"score": 5}), ENV) for _ in range(2))
    assert first.steps[0] == again.steps[0]
    assert [(g.dest, g.guard, g.value) for g in again.steps[0].guards] == [("route", None, True)]
    assert again.snapshot.state == "cold"


def test_the_final_state_computes_the_result() -> None:
    decision = decide(ROUTE, Snapshot("score", {}), Event("done", {"score": 99}), ENV)
    assert decision.snapshot.result == {"s": 99}
    assert decision.steps[-1].effects == (Complete("success", {"s": 99}),)


def test_a_refused_event_raises_and_leaves_the_snapshot_untouched() -> None:
    snapshot = Snapshot("score", {"a": [1]})
    kept = copy.deepcopy(snapshot)
    with pytest.raises(TransitionNotAllowed, match=r"accepted here: none\)"):  # a task's done is the runtime's
        decide(ROUTE, snapshot, Event("approve"), ENV)
    assert snapshot == kept


def test_a_guard_that_fails_to_evaluate_counts_as_false_and_says_why() -> None:
    decision = decide(ROUTE, Snapshot("score", {}), Event("done", "not a map"), ENV)
    automatic = decision.steps[-1]
    assert automatic.dest == "cold"
    assert automatic.guards[0].error is not None
    assert automatic.guards[0].value is False


def test_a_choice_without_a_match_or_default_fails_the_instance() -> None:
    compiled = CompiledWorkflow(workflow({"route": {"type": "choice"}, "a": final()},
                                         [edge("route", "a", guard="x > 1")]))
    decision = start(compiled, {"x": 0}, ENV)
    assert decision.snapshot.status == "failed"
    assert decision.snapshot.error["kind"] == "no_match"
    assert [s.event for s in decision.steps] == ["(start)", "(auto)"]
    assert decision.steps[-1].guards[0].value is False


def test_an_unhandled_runtime_event_fails_instead_of_being_refused() -> None:
    compiled = CompiledWorkflow(workflow({"work": task("w"), "ok": final()}, [edge("work", "ok", "done")]))
    decision = decide(compiled, Snapshot("work", {}), Event("error", {"kind": "x"}, system=True), ENV)
    assert decision.snapshot.status == "failed"
    assert decision.snapshot.error["kind"] == "unhandled"
    with pytest.raises(TransitionNotAllowed):
        decide(compiled, Snapshot("work", {}), Event("error", {"kind": "x"}), ENV)


def test_an_automatic_transition_passes_through_a_state_without_starting_its_work() -> None:
    compiled = CompiledWorkflow(workflow(
        {"maybe": task("expensive"), "skip_done": final()},
        [edge("maybe", "skip_done", guard="skip"), edge("maybe", "skip_done", "done")]))
    skipped = start(compiled, {"skip": True}, ENV)
    assert [s.dest for s in skipped.steps] == ["maybe", "skip_done"]
    assert not any(isinstance(e, RunAction) for s in skipped.steps for e in s.effects)
    worked = start(compiled, {"skip": False}, ENV)
    assert worked.snapshot.state == "maybe"
    assert isinstance(worked.steps[0].effects[0], RunAction)


def test_automatic_loops_are_cut_off_and_fail() -> None:
    compiled = CompiledWorkflow(workflow({"a": {"type": "choice"}, "b": {"type": "choice"}},
                                         [edge("a", "b"), edge("b", "a")]))
    decision = start(compiled, {}, ENV)
    assert decision.snapshot.status == "failed"
    assert decision.snapshot.error["kind"] == "loop"
    assert len(decision.steps) == MAX_AUTOMATIC_STEPS


def test_entering_an_approval_asks_for_it_and_arms_its_timers() -> None:
    compiled = CompiledWorkflow(workflow(
        {"review": {"type": "approval", "approvers": {"roles": ["boss"]}, "timeout": "PT2H",
                    "escalation": {"after": "PT1H", "to": {"users": ["cfo"]}}, "request": {"sum": "1 + 1"}},
         "ok": final()},
        [edge("review", "ok", "approve"), edge("review", "ok", "timeout")]))
    (step,) = start(compiled, {}, ENV).steps
    assert step.effects == (RequestApproval("review", "state", (), ("boss",), 1, {"sum": 2}, ENV.now + 7200),
                            ArmTimer("timeout", ENV.now + 7200), ArmTimer("escalate", ENV.now + 3600))
    leave = decide(compiled, Snapshot("review", {}), Event("approve", {}, "boss"), ENV)
    assert leave.steps[0].effects[0] == ClearWaits(timers=True, event_waits=False, approvals=True, jobs=False,
                                                   children=False)


def test_parallel_branches_become_children_of_a_derived_definition() -> None:
    parent = workflow(
        {"fan": {"type": "parallel", "branches": [
            {"name": "left", "initial": "l", "states": {"l": final()}},
            {"name": "right", "initial": "r", "states": {"r": task("go"), "r2": final()},
             "transitions": [edge("r", "r2", "done")]}]},
         "end": final()},
        [edge("fan", "end", "done")], id="fanout")
    (step,) = start(CompiledWorkflow(parent), {"k": 1}, ENV).steps
    assert [(e.kind, e.branch, e.context) for e in step.effects if isinstance(e, StartChild)] == [
        ("branch", "fan.left", {"k": 1}), ("branch", "fan.right", {"k": 1})]
    derived = branch_workflow(parent, "fan.right")
    assert (derived.id, derived.initial, list(derived.states)) == ("fanout", "r", ["r", "r2"])


def test_a_parallel_done_merges_the_branches_changes() -> None:
    compiled = CompiledWorkflow(workflow(
        {"fan": {"type": "parallel", "branches": [{"name": "a", "initial": "x", "states": {"x": final()}}]},
         "end": final(result={"both": "left + right"})},
        [edge("fan", "end", "done")]))
    payload = {"context": {"left": "L", "right": "R"}, "branches": {}}
    decision = decide(compiled, Snapshot("fan", {}), Event("done", payload, system=True), ENV)
    assert decision.snapshot.context == {"left": "L", "right": "R"}
    assert decision.snapshot.result == {"both": "LR"}


def test_any_source_reaches_every_state_but_finals() -> None:
    compiled = CompiledWorkflow(workflow({"a": task("x"), "b": final()}, [edge("*", "b", "stop")]))
    assert decide(compiled, Snapshot("a", {}), Event("stop"), ENV).snapshot.state == "b"
    with pytest.raises(TransitionNotAllowed):
        decide(compiled, Snapshot("b", {}, "succeeded"), Event("stop"), ENV)


def test_one_machine_per_version_is_built_and_shared() -> None:
    cache = MachineCache(size=2)
    first = cache.put(CompiledWorkflow(workflow({"a": final()}, [], id="one")))
    assert cache.put(CompiledWorkflow(workflow({"a": final()}, [], id="one"))) is first
    assert cache.get(("one", 1, "")) is first
    cache.put(CompiledWorkflow(workflow({"a": final()}, [], id="two")))
    cache.put(CompiledWorkflow(workflow({"a": final()}, [], id="three")))
    assert cache.get(("one", 1, "")) is None
    assert len(cache) == 2
