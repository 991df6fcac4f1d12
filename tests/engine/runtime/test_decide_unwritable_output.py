"""A task's `done` whose output cannot be written at its `output` path (kind `output_path`), or whose transition's
`assign` fails (kind `assign`), is the task's failure: its `error` transitions take it as they take an output that
does not fit (`output`), by their `errors` and guards; only when none does does the instance fail in the task. An
event a caller sent is refused as before, and an uncaught kind says which kinds were caught. Pure: no database."""

from __future__ import annotations

from typing import Any

import pytest

from engine.definition import Workflow
from engine.errors import TransitionNotAllowed
from engine.runtime.decide import Decision, decide
from engine.runtime.effects import RunAction
from engine.runtime.machines import CompiledWorkflow
from engine.runtime.snapshot import FAILED, AgentLookup, Environment, Event, Snapshot

ENV = Environment(1_900_000_000.0, {"id": "i-1", "workflow": "paths", "version": 1, "tenant": "default"},
                  agents=AgentLookup())
BLOCKED = {"a": "a string in the way"}  # `a.b.c` runs through it


def _compiled(error_edges: list[dict[str, Any]], *, done_assign: dict[str, str] | None = None,
              extra_states: dict[str, Any] | None = None) -> CompiledWorkflow:
    """`write` stores its output at `a.b.c`; its `done` goes on to `ok`, its errors as `error_edges` say."""
    done: dict[str, Any] = {"source": "write", "trigger": "done", "dest": "ok"}
    if done_assign:
        done["assign"] = done_assign
    return CompiledWorkflow(Workflow.model_validate({
        "id": "paths", "title": "Paths", "initial": "write",
        "states": {"write": {"type": "task", "action": "echo", "output": "a.b.c"}, "ok": {"type": "final"},
                   "failed": {"type": "final", "outcome": "failure"}, **(extra_states or {})},
        "transitions": [done, *error_edges],
    }))


def _done(compiled: CompiledWorkflow, context: dict[str, Any], output: Any = 7, *, system: bool = True) -> Decision:
    return decide(compiled, Snapshot("write", context), Event("done", output, system=system), ENV)


CATCH_ALL = {"source": "write", "trigger": "error", "dest": "failed", "assign": {"why": "event"}}


def test_an_output_path_through_a_non_object_takes_the_error_transition() -> None:
    decision = _done(_compiled([CATCH_ALL]), BLOCKED)
    assert (decision.snapshot.state, decision.snapshot.status, decision.snapshot.error) == ("failed", FAILED, None)
    (step,) = decision.steps
    assert (step.source, step.dest, step.event, step.transition) == ("write", "failed", "error", 1)
    why = decision.snapshot.context["why"]
    assert why["kind"] == "output_path"
    assert "'a' holds a string" in why["message"]
    assert decision.snapshot.context["a"] == "a string in the way"  # the output was not written
    with pytest.raises(TransitionNotAllowed, match="'a' holds a string"):  # a caller's `done`: refused, as before
        _done(_compiled([CATCH_ALL]), BLOCKED, system=False)


def test_an_assign_of_the_done_transition_that_fails_takes_the_error_transition() -> None:
    compiled = _compiled([CATCH_ALL], done_assign={"n.m": "1"})
    decision = _done(compiled, {"n": 5})
    assert (decision.snapshot.state, decision.snapshot.context["why"]["kind"]) == ("failed", "assign")
    assert "'n' holds a number" in decision.snapshot.context["why"]["message"]
    assert "a" not in decision.snapshot.context  # neither the output nor the assignment was kept
    broken = _done(_compiled([CATCH_ALL], done_assign={"x": "missing_key + 1"}), {})
    assert broken.snapshot.context["why"]["kind"] == "assign"
    with pytest.raises(TransitionNotAllowed, match="an assignment failed"):  # a caller's `done`: refused
        _done(compiled, {"n": 5}, system=False)


def test_the_errors_filter_of_the_error_transitions_is_respected() -> None:
    named = {"source": "write", "trigger": "error", "dest": "failed", "errors": ["output_path", "assign"]}
    assert _done(_compiled([named]), BLOCKED).snapshot.state == "failed"

    only_timeouts = {"source": "write", "trigger": "error", "dest": "failed", "errors": ["timeout"]}
    decision = _done(_compiled([only_timeouts]), BLOCKED)
    assert (decision.snapshot.state, decision.snapshot.status) == ("write", FAILED)
    error = decision.snapshot.error
    assert (error["kind"], error["event"], error["payload"]) == ("output_path", "done", 7)
    assert "no `error` transition of 'write' catches the kind 'output_path' (caught: timeout)" in error["message"]
    without = _done(_compiled([]), BLOCKED)  # no `error` transition at all: it fails in the task, as before
    assert (without.snapshot.state, without.snapshot.status) == ("write", FAILED)
    assert without.snapshot.error == {
        "kind": "output_path", "message": "cannot write 'a.b.c': 'a' holds a string, not an object",
        "event": "done", "payload": 7}


def test_a_guard_on_the_error_transition_is_respected() -> None:
    guarded = {"source": "write", "trigger": "error", "dest": "failed", "guard": "event.kind == 'output_path'"}
    assert _done(_compiled([guarded]), BLOCKED).snapshot.state == "failed"
    refusing = {**guarded, "guard": "event.kind == 'timeout'"}
    decision = _done(_compiled([refusing]), BLOCKED)
    assert (decision.snapshot.state, decision.snapshot.error["kind"]) == ("write", "output_path")


def test_an_error_transition_whose_own_assign_fails_fails_the_instance_outright() -> None:
    broken = {"source": "write", "trigger": "error", "dest": "failed", "assign": {"a.x": "1"}}  # through `a` too
    decision = _done(_compiled([broken]), BLOCKED)
    assert (decision.snapshot.state, decision.snapshot.status) == ("write", FAILED)
    error = decision.snapshot.error
    assert (error["kind"], error["event"], error["payload"]["kind"]) == ("assign", "error", "output_path")
    assert len(decision.steps) == 1


def test_an_error_transition_back_into_the_task_runs_its_action_again() -> None:
    again = {"source": "write", "trigger": "error", "dest": "write", "assign": {"a": "{}"}}
    decision = _done(_compiled([again]), BLOCKED)
    assert (decision.snapshot.state, decision.snapshot.context["a"]) == ("write", {})
    assert [e.action for s in decision.steps for e in s.effects if isinstance(e, RunAction)] == ["echo"]


def test_a_task_that_asks_the_user_about_the_kind_asks() -> None:
    compiled = CompiledWorkflow(Workflow.model_validate({
        "id": "paths", "title": "Paths", "initial": "write",
        "states": {"write": {"type": "task", "action": "echo", "output": "a.b.c",
                             "ask_user": {"errors": ["output_path"], "timeout": "PT1H"}},
                   "ok": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "write", "trigger": "done", "dest": "ok"}, CATCH_ALL],
    }))
    decision = decide(compiled, Snapshot("write", BLOCKED), Event("done", 7, system=True), ENV)
    assert [s.event for s in decision.steps] == ["(ask-user)"]
    assert decision.snapshot.context["user_reply"]["error"]["kind"] == "output_path"


def test_an_uncaught_kind_names_the_kinds_that_are_caught() -> None:
    compiled = _compiled([{"source": "write", "trigger": "error", "dest": "failed", "errors": ["timeout"]},
                          {"source": "write", "trigger": "error", "dest": "failed", "errors": ["rate_limited"]}])
    boom = Event("error", {"kind": "boom", "message": "it broke"}, system=True)
    decision = decide(compiled, Snapshot("write", {}), boom, ENV)
    error = decision.snapshot.error
    assert (decision.snapshot.state, error["kind"], error["payload"]["kind"]) == ("write", "unhandled", "boom")
    assert error["message"] == ("no `error` transition of 'write' catches the kind 'boom' "
                                "(caught: rate_limited, timeout)")
    with pytest.raises(TransitionNotAllowed, match=r"catches the kind 'boom' \(caught: rate_limited, timeout\)"):
        decide(compiled, Snapshot("write", {}), Event("error", {"kind": "boom"}), ENV)


def test_an_uncaught_kind_past_a_guard_says_both() -> None:
    compiled = _compiled([{"source": "write", "trigger": "error", "dest": "failed", "errors": ["timeout"]},
                          {"source": "write", "trigger": "error", "dest": "ok", "guard": "false"}])
    decision = decide(compiled, Snapshot("write", {}), Event("error", {"kind": "boom"}, system=True), ENV)
    assert decision.snapshot.error["message"] == ("no `error` transition of 'write' catches the kind 'boom' "
                                                  "(caught: timeout); the guards of the others did not hold")
    guard_alone = _compiled([{"source": "write", "trigger": "error", "dest": "failed", "guard": "false"}])
    decision = decide(guard_alone, Snapshot("write", {}), Event("error", {"kind": "boom"}, system=True), ENV)
    assert decision.snapshot.error["message"] == "no transition's guard held"

