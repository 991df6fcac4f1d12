"""A handler's cost is checked as its output is: one the cost tables cannot keep — a NaN, infinite, negative or
astronomical amount, tokens past the columns' range, a model name too long or with a NUL — fails its attempt with
the error kind `output`, not retried, its message naming the value; nothing is counted against the budget.

Before, a NaN, an infinity or 10**20 tokens reached the database when the attempt's outcome was written: the write
failed ("finishing job N failed; it runs again when its lease lapses"), the job was taken up again and its handler
— the one that charged the card — run again, three times, until the task failed with kind `lost` though no worker
had died; a negative amount was recorded, and the budget read `spent -5.0, remaining 15.0`. On each database:
2**31 tokens and a NUL in the model are PostgreSQL's refusals."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
from runtime_support import assert_consistent, edge, final, task, workflow

from engine.runtime.actions import ActionError, ActionRequest, ActionResult, Cost
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from storage.attempt_spend import AttemptSpendStore, Spent

BAD_COSTS: dict[str, tuple[Any, str]] = {
    "nan amount": (Cost(math.nan, tokens=1), "its amount is nan, not a finite number of USD from 0 to"),
    "infinite amount": (Cost(math.inf), "its amount is inf, not a finite number"),
    "negative amount": (Cost(-5.0, tokens=10, model="m"), "its amount is -5.0, not a finite number"),
    "astronomical amount": (Cost(1e308), "its amount is 1e+308, not a finite number"),
    "tokens past 64 bits": (Cost(0.1, tokens=10**20), "its tokens are 100000000000000000000, not a whole number"),
    "tokens past the columns": (Cost(0.1, tokens=2**31), "its tokens are 2147483648, not a whole number from 0 to "
                                                         "2,147,483,647"),
    "negative tokens": (Cost(0.1, tokens=-100), "its tokens are -100"),
    "fractional tokens": (Cost(0.1, tokens=2.5), "its tokens are 2.5"),  # type: ignore[arg-type]
    "long model": (Cost(0.1, model="x" * 201), "its model is 201 characters long, more than the 200"),
    "model with a NUL": (Cost(0.1, model="gpt\x00"), "its model 'gpt\\x00' holds a NUL character"),
    "model not text": (Cost(0.1, model=42), "its model is a int, not a name"),  # type: ignore[arg-type]
    "priced not a bool": (Cost(0.1, priced="yes"), "its priced is 'yes', not True or False"),  # type: ignore[arg-type]
    "not a Cost": ({"amount": 0.1}, "it is a dict, not a Cost"),
}
REFUSED = "the action reported a cost that cannot be recorded: "
RETRY_RATE_LIMITS = {"max_attempts": 3, "retry_on": ["rate_limited"], "backoff": "fixed", "initial_interval_s": 1,
                     "jitter": False}


def _deploy(engine: Engine, name: str, handler: Any, **task_extra: Any) -> None:
    engine.register(name, handler)
    engine.deploy(workflow(
        {"work": task(name, output="out", **task_extra), "ok": final(), "failed": final("failure")},
        [edge("work", "ok", "done"), edge("work", "failed", "error", assign={"why": "event"})], id=name))


def _rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    return engine.runtime.read(lambda tx: [tuple(r) for r in tx.all(sql)])


def _attempts(engine: Engine, instance_id: str) -> list[tuple[Any, ...]]:
    return [(a["attempt"], a["outcome"], (a.get("error") or {}).get("kind"), a["cost"])
            for h in engine.history(instance_id) for a in h.attempts or []]


def _past_any_lease(engine: Engine, clock: ManualClock) -> None:
    """Time enough for a lease left behind to lapse, and a retry to fall due: what would run again does."""
    clock.advance(engine.runtime.lease_s + 5)
    engine.run_until_idle()


@pytest.mark.parametrize("alone", [True, False], ids=["one job", "a batch"])
def test_a_cost_the_tables_cannot_keep_fails_the_attempt_once_naming_it(engine: Engine, clock: ManualClock,
                                                                          alone: bool) -> None:
    calls: dict[str, int] = {}

    def charging(name: str, cost: Any) -> Any:
        def handler(_request: ActionRequest) -> ActionResult:
            calls[name] = calls.get(name, 0) + 1  # the card is charged
            return ActionResult({"charged_card": True}, cost=cost)
        return handler

    engine.set_budget("default", 10.0)
    started = {}
    for index, (cost, _) in enumerate(BAD_COSTS.values()):
        _deploy(engine, f"charge{index}", charging(f"charge{index}", cost))
        started[f"charge{index}"] = engine.start(f"charge{index}", {}).id
        if alone:
            engine.run_until_idle()
    engine.run_until_idle()
    _past_any_lease(engine, clock)

    for index, (case, (_, reason)) in enumerate(BAD_COSTS.items()):
        run_id = started[f"charge{index}"]
        ended = engine.get(run_id)
        assert (ended.state, ended.status) == ("failed", "failed"), case
        why = ended.context["why"]
        assert why["kind"] == "output", case
        assert why["message"].startswith(REFUSED + reason), (case, why["message"])
        assert "out" not in ended.context, case  # its output is not used
        assert calls[f"charge{index}"] == 1, case  # the handler did not run again for it
        assert _attempts(engine, run_id) == [(1, "error", "output", None)], case  # no attempt `lost`
        assert_consistent(engine, run_id)
    assert _rows(engine, "SELECT count(*) FROM costs") == [(0,)]
    assert engine.budget("default")["spent"] == 0  # no refund, no infinity


def test_an_action_errors_cost_that_cannot_be_kept_fails_it_without_its_retries(engine: Engine,
                                                                                clock: ManualClock) -> None:
    """Its own kind would be retried: the handler would run again, for the same cost."""
    calls: list[int] = []

    def slow_down(request: ActionRequest) -> None:
        calls.append(request.attempt)
        raise ActionError("rate_limited", "slow down", cost=Cost(math.nan, tokens=1000, model="gpt-4o-mini"))

    _deploy(engine, "slowed", slow_down, retry=RETRY_RATE_LIMITS)
    run = engine.start("slowed", {})
    engine.run_until_idle()
    _past_any_lease(engine, clock)
    ended = engine.get(run.id)
    assert ended.state == "failed"
    assert ended.context["why"]["kind"] == "output"
    assert ended.context["why"]["message"] == (
        "the action failed (rate_limited: slow down) and " + REFUSED
        + "its amount is nan, not a finite number of USD from 0 to 1,000,000,000,000")
    assert calls == [1]
    assert _attempts(engine, run.id) == [(1, "error", "output", None)]
    assert _rows(engine, "SELECT count(*) FROM costs") == [(0,)]


def test_costs_at_the_limits_are_recorded_as_given(engine: Engine) -> None:
    """The largest tokens and the longest model the check lets through are what each database keeps; a Decimal
    amount and -0.0 are kept as floats; a failed attempt's cost within them is counted as before."""
    returned = {"edge": Cost(0.25, tokens=2**31 - 1, model="m" * 200), "decimal": Cost(Decimal("0.5")),  # type: ignore[arg-type]
                "zero": Cost(-0.0, tokens=0, priced=False)}
    for name, cost in returned.items():
        _deploy(engine, name, lambda _request, cost=cost: ActionResult({"ok": True}, cost=cost))

    def failing(_request: ActionRequest) -> None:
        raise ActionError("not_found", "no such lead", retryable=False, cost=Cost(0.125, tokens=10, model="m"))

    _deploy(engine, "failing", failing)
    states = {}
    for name in (*returned, "failing"):
        states[name] = engine.start(name, {}).id
    engine.run_until_idle()
    assert {name: engine.get(run_id).state for name, run_id in states.items()} == {
        "edge": "ok", "decimal": "ok", "zero": "ok", "failing": "failed"}
    assert sorted(_rows(engine, "SELECT action, amount, tokens, model, priced FROM costs")) == [
        ("decimal", 0.5, 0, None, True), ("edge", 0.25, 2**31 - 1, "m" * 200, True),
        ("failing", 0.125, 10, "m", True), ("zero", 0.0, 0, None, False)]
    assert engine.budget("default")["spent"] == pytest.approx(0.875)


@pytest.mark.parametrize("amount", [-5.0, math.inf], ids=["negative", "infinite"])
def test_a_lost_attempts_running_spend_that_cannot_be_kept_is_not_counted(engine: Engine, clock: ManualClock,
                                                                          amount: float) -> None:
    """A tally a handler reported (`report_spend`) before its worker died is recorded with the lost attempt; one
    that is no cost is left out of the budget, and the task carries on (an infinity failed the transaction that
    records the lost attempt, each time the job was taken up)."""
    _deploy(engine, "work", lambda request: {"attempt": request.attempt}, retry={**RETRY_RATE_LIMITS,
                                                                                 "retry_on": ["*"]})
    engine.set_budget("default", 10.0)
    run = engine.start("work", {})
    (claimed,) = engine.worker(owner="dying").claim()
    engine.runtime.write(lambda tx: AttemptSpendStore(tx).tally(claimed.job.id, 1, Spent(amount, 10, "m", True),
                                                               clock.now()))
    _past_any_lease(engine, clock)
    ended = engine.get(run.id)
    assert (ended.state, ended.context["out"]) == ("ok", {"attempt": 2})
    assert [(a[0], a[1]) for a in _attempts(engine, run.id)] == [(1, "lost"), (2, "done")]
    assert _rows(engine, "SELECT count(*) FROM costs") == [(0,)]
    assert engine.budget("default")["spent"] == 0


def test_a_running_spend_the_tables_cannot_keep_is_not_kept_and_the_handler_goes_on(
        engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    """`report_spend` never raises (its promise): a NaN reached the handler as a raw IntegrityError, tokens past
    64 bits as an OverflowError, and a negative or infinite tally was kept for a lost attempt to carry."""
    kept: list[list[tuple[Any, ...]]] = []

    def talk(request: ActionRequest) -> ActionResult:
        request.report_spend(Cost(0.25, tokens=100, model="m"))
        for bad, _ in BAD_COSTS.values():
            request.report_spend(bad)
        kept.append(_rows(engine, "SELECT amount, tokens FROM attempt_spend"))
        return ActionResult({"ok": True}, cost=Cost(0.3, tokens=120, model="m"))

    _deploy(engine, "talk", talk)
    run = engine.start("talk", {})
    engine.run_until_idle()
    assert engine.get(run.id).state == "ok"
    assert kept == [[(0.25, 100)]]  # the good tally stands; none of the bad ones replaced it
    said = [r.getMessage() for r in caplog.records if "reported a running spend that cannot be kept" in r.getMessage()]
    assert len(said) == len(BAD_COSTS)
