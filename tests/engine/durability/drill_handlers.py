"""The action handlers the drills' worker processes load (`--handlers drill_handlers:register`).

Each handler notes its execution in the side-effect ledger (the file named by `STATEWRIGHT_TEST_LEDGER`),
takes a little time — so a SIGKILL often lands while actions run, between a claim and its commit — and applies
its effect once under the request's idempotency key, returning the effect's value.
"""

from __future__ import annotations

import os
import random
import signal
import time
from typing import Any

from crash_flow import fails_every_attempt, fails_first_attempt
from side_effect_ledger import Ledger

from engine.runtime.actions import ActionError, ActionRequest, HandlerRegistry

__all__ = ["LEDGER_VARIABLE", "register"]

LEDGER_VARIABLE = "STATEWRIGHT_TEST_LEDGER"
BUSY_S = (0.005, 0.06)


def _ledger() -> Ledger:
    return Ledger(os.environ[LEDGER_VARIABLE])


def _busy() -> None:
    time.sleep(random.uniform(*BUSY_S))


def prepare(request: ActionRequest) -> Any:
    ledger = _ledger()
    n = int(request.input["n"])
    ledger.record_execution(request.idempotency_key, "prepare", request.attempt)
    _busy()
    if fails_every_attempt(n) or (fails_first_attempt(n) and request.attempt == 1):
        raise ActionError("flaky", f"attempt {request.attempt} of prepare({n}) failed")
    return ledger.apply_once(request.idempotency_key, "prepare", {"value": n * 10, "by": os.getpid()})


def finish(request: ActionRequest) -> Any:
    ledger = _ledger()
    ledger.record_execution(request.idempotency_key, "finish", request.attempt)
    _busy()
    total = int(request.input["prepared"]["value"]) + 1
    return ledger.apply_once(request.idempotency_key, "finish", {"total": total, "by": os.getpid()})


def work(request: ActionRequest) -> Any:
    """The race drill's plain task: applied once under its key, no failures."""
    ledger = _ledger()
    ledger.record_execution(request.idempotency_key, request.action, request.attempt)
    _busy()
    return ledger.apply_once(request.idempotency_key, request.action, {"state": request.state, "by": os.getpid()})


def kill_own_worker(request: ActionRequest) -> Any:
    """The poison drill's task: notes the attempt, then SIGKILLs the worker process running it."""
    _ledger().record_execution(request.idempotency_key, request.action, request.attempt)
    os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(60)  # the signal is on its way; never reached


def linger(request: ActionRequest) -> Any:
    """The heartbeat drill's task: its first attempt runs for `seconds` (its worker is killed meanwhile), a later
    one finishes at once."""
    ledger = _ledger()
    ledger.record_execution(request.idempotency_key, request.action, request.attempt)
    if request.attempt == 1:
        time.sleep(float(request.input["seconds"]))
    return ledger.apply_once(request.idempotency_key, request.action, {"attempt": request.attempt, "by": os.getpid()})


def register(registry: HandlerRegistry) -> None:
    registry.register("prepare", prepare)
    registry.register("finish", finish)
    registry.register("work", work)
    registry.register("kill_own_worker", kill_own_worker)
    registry.register("linger", linger)
