"""An action's output that cannot be stored at the task's `output` path, or an `assign` on its `done` that fails, is
the task's failure (`output_path`, `assign`): run by a worker on each database, the task's `error` transition takes
it, and the history replays. A kind the `error` transitions do not catch fails the instance, saying which they do."""

from __future__ import annotations

from typing import Any

from runtime_support import assert_consistent, edge, final, finished, task, workflow

from engine.definition import Workflow
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.engine import Engine


def _paths(done_assign: dict[str, str] | None = None, errors: list[str] | None = None) -> Workflow:
    """`write` stores its action's output at `a.b.c`; on `error` (of `errors`, if given) it goes to `failed`."""
    catch: dict[str, Any] = {"assign": {"why": "event"}}
    if errors is not None:
        catch["errors"] = errors
    return workflow(
        {"write": task("echo", output="a.b.c"), "ok": final(), "failed": final("failure")},
        [edge("write", "ok", "done", **({"assign": done_assign} if done_assign else {})),
         edge("write", "failed", "error", **catch)],
        id="paths",
    )


def test_an_output_path_through_a_string_goes_through_the_error_transition(engine: Engine) -> None:
    engine.deploy(_paths())
    engine.register("echo", lambda request: 7)
    started = engine.start("paths", {"a": "in the way"})
    done = finished(engine, started)
    assert (done.state, done.status, done.error) == ("failed", "failed", None)
    assert done.context["why"] == {"kind": "output_path",
                                   "message": "cannot write 'a.b.c': 'a' holds a string, not an object"}
    assert done.context["a"] == "in the way"
    last = engine.history(started.id)[-1]
    assert (last.event, last.from_state, last.to_state) == ("error", "write", "failed")
    assert_consistent(engine, started.id)  # the replay of the history takes the same error transition


def test_an_assign_on_done_that_fails_goes_through_the_error_transition(engine: Engine) -> None:
    engine.deploy(_paths(done_assign={"n.m": "'x'"}, errors=["output_path", "assign"]))
    engine.register("echo", lambda request: {"size": 1})
    started = engine.start("paths", {"n": 5})
    done = finished(engine, started)
    assert (done.state, done.status, done.context["why"]["kind"]) == ("failed", "failed", "assign")
    assert "a" not in done.context  # the output is not kept either: the step was not taken
    assert_consistent(engine, started.id)


def test_a_kind_the_error_transitions_do_not_catch_says_which_they_catch(engine: Engine) -> None:
    engine.deploy(workflow(
        {"call": task("flaky", retry=[{"errors": ["timeout"], "max_attempts": 2}]), "ok": final(),
         "timed_out": final("failure")},
        [edge("call", "ok", "done"), edge("call", "timed_out", "error", errors=["timeout"])],
        id="nomatch",
    ))

    @engine.register("flaky")
    def flaky(request: ActionRequest) -> None:
        raise ActionError("boom", "it broke")

    done = finished(engine, engine.start("nomatch", {}))
    assert (done.state, done.status, done.error["kind"]) == ("call", "failed", "unhandled")
    assert done.error["message"] == "no `error` transition of 'call' catches the kind 'boom' (caught: timeout)"
    assert (done.error["payload"]["kind"], done.error["payload"]["message"]) == ("boom", "it broke")
