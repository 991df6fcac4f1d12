"""A handler that exits, or raises what is not an `Exception`, fails its own task and nothing else: `sys.exit()`
(an argparse or click program called as a handler), a `BaseException` of its own, a KeyboardInterrupt raised on a
handler thread, an exception whose message cannot be read. Before, each of them escaped the worker's loop: the
worker process exited (or `run_until_idle` raised in the host application) with the task's job still leased, and
every job of its batch was then counted as an attempt lost with its worker. An `ActionError` whose kind no retry
rule could name is the handler's mistake, said as such; a failure's message is kept to MAX_MESSAGE characters."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest
from runtime_support import edge, final, task, workflow

from engine.runtime.action_outcome import MAX_MESSAGE
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.engine import Engine


class _Custom(BaseException):
    pass


class _Unreadable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no text")


def _exits(_request: ActionRequest) -> None:
    sys.exit(3)


def _custom(_request: ActionRequest) -> None:
    raise _Custom("a BaseException of its own")


def _unreadable(_request: ActionRequest) -> None:
    raise _Unreadable


def _interrupts(_request: ActionRequest) -> None:
    raise KeyboardInterrupt


def _nameless(_request: ActionRequest) -> None:
    raise ActionError("", "which kind?")


def _long(_request: ActionRequest) -> None:
    raise ActionError("upstream", "x" * 2_000_000)


def _fine(_request: ActionRequest) -> dict[str, bool]:
    return {"ok": True}


def _run(engine: Engine, handler: Callable[[ActionRequest], Any], *, timeout_s: float | None = None,
         inline: bool = False) -> tuple[dict[str, Any], str]:
    """Run one instance whose task calls `handler` and one beside it whose task answers; the failed one's
    `failure` (its error event) and the other's status."""
    engine.register("bad", handler, inline=inline)
    engine.register("fine", _fine)
    extra = {} if timeout_s is None else {"timeout_s": timeout_s}
    engine.deploy(workflow(
        {"work": task("bad", output="out", **extra), "ok": final(), "failed": final("failure")},
        [edge("work", "ok", "done"), {**edge("work", "failed", "error"), "assign": {"failure": "event"}}],
        id="exits",
    ))
    engine.deploy(workflow({"work": task("fine", output="out"), "ok": final()}, [edge("work", "ok", "done")],
                           id="beside"))
    bad = engine.start("exits", {})
    other = engine.start("beside", {})
    engine.run_until_idle()  # raised SystemExit (and the others) before
    after = engine.get(bad.id)
    assert after.status == "failed", after
    return after.context["failure"], engine.get(other.id).status


@pytest.mark.parametrize("inline", [False, True], ids=["worker", "inline"])
def test_sys_exit_in_a_handler_fails_its_task_and_the_worker_goes_on(engine: Engine, inline: bool) -> None:
    failure, other = _run(engine, _exits, inline=inline)
    assert failure["kind"] == "error"
    assert failure["message"].startswith("SystemExit: the handler called sys.exit(3)")
    assert other == "succeeded"


def test_a_base_exception_of_the_handlers_own_fails_its_task(engine: Engine) -> None:
    failure, other = _run(engine, _custom)
    assert (failure["kind"], failure["message"]) == ("error", "_Custom: a BaseException of its own")
    assert other == "succeeded"


def test_an_exception_whose_message_cannot_be_read_fails_its_task(engine: Engine) -> None:
    failure, other = _run(engine, _unreadable)
    assert failure["message"] == "_Unreadable (its message could not be read: RuntimeError)"
    assert other == "succeeded"


def test_a_keyboard_interrupt_raised_on_a_handler_thread_is_the_handlers_failure(engine: Engine) -> None:
    """With a timeout the handler runs on a pool thread, where no Ctrl-C is delivered: its KeyboardInterrupt is its
    own. (On the caller's thread it is taken for Ctrl-C and stops the run, as Ctrl-C should.)"""
    failure, other = _run(engine, _interrupts, timeout_s=5)
    assert (failure["kind"], failure["message"]) == ("error", "KeyboardInterrupt")
    assert other == "succeeded"


def test_an_action_error_of_a_kind_no_rule_can_name_says_so(engine: Engine) -> None:
    failure, _ = _run(engine, _nameless)
    assert failure["kind"] == "error"
    assert failure["message"].startswith("ValueError: an ActionError's kind names the failure")


def test_a_failures_message_is_kept_to_a_bound(engine: Engine) -> None:
    failure, _ = _run(engine, _long)
    assert failure["kind"] == "upstream"
    assert failure["message"] == "x" * MAX_MESSAGE + f"… ({2_000_000 - MAX_MESSAGE:,} more characters not kept)"
