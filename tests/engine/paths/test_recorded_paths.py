"""Expected times, costs and probabilities from recorded runs: real instances run on the engine with instant
handlers and a manual clock (so each state lasts a known time), then the database is analysed."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from engine.database import create_database_engine
from engine.definition import Workflow
from engine.paths import PathsReport, analyze_paths
from engine.read_models.path_history import recorded_runs
from engine.runtime.actions import ActionResult, Cost
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine

FLOW = Workflow.model_validate({
    "id": "orders", "title": "Orders", "initial": "work",
    "context": {"type": "object", "properties": {"big": {"type": "boolean"}}},
    "states": {
        "work": {"type": "task", "action": "work", "output": "out", "timeout_s": 60},
        "route": {"type": "choice"},
        "review": {"type": "approval", "approvers": {"roles": ["manager"]}, "timeout": "PT1H"},
        "small": {"type": "final"},
        "approved": {"type": "final"},
        "declined": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "work", "trigger": "done", "dest": "route"},
        {"source": "work", "trigger": "error", "dest": "declined"},
        {"source": "route", "dest": "review", "guard": "big", "priority": 1},
        {"source": "route", "dest": "small"},
        {"source": "review", "trigger": "approve", "dest": "approved"},
        {"source": "review", "trigger": "reject", "dest": "declined"},
        {"source": "review", "trigger": "timeout", "dest": "declined"},
    ],
})


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    clock = ManualClock(datetime(2030, 1, 15, 12, 0, tzinfo=UTC))
    with Engine(database_url, clock=clock, rng=random.Random(7)) as built:
        built.deploy(FLOW)
        built.register("work", lambda request: ActionResult(output={"n": 1}, cost=Cost(amount=0.5, tokens=100)))
        yield built


def _run(engine: Engine, *, big: bool, decision: str | None = None) -> None:
    """One order: the action takes 30 s; a big one waits 10 min for its decision."""
    clock = engine.clock
    assert isinstance(clock, ManualClock)
    started = engine.start("orders", {"big": big})
    clock.advance(30)
    engine.run_until_idle()
    if decision is not None:
        clock.advance(600)
        getattr(engine, decision)(started.id, actor="mia", roles=["manager"])
    assert engine.get(started.id).status in ("succeeded", "failed")


def _analysed(engine: Engine) -> PathsReport:
    database = create_database_engine(engine.database.url.render_as_string(hide_password=False))
    try:
        return analyze_paths(FLOW, recorded=recorded_runs(database, "orders", 1))
    finally:
        database.dispose()


def _by_states(report: PathsReport) -> dict[str, object]:
    return {" ".join(p.states) + (f" ({p.steps[-1].trigger})" if p.steps[-1].trigger else ""): p
            for p in report.paths}


def test_expected_times_costs_and_probabilities_come_from_the_runs(engine: Engine) -> None:
    for _ in range(6):
        _run(engine, big=False)
    for decision in ("approve", "approve", "approve", "reject"):
        _run(engine, big=True, decision=decision)
    engine.start("orders", {"big": True})  # still running: not counted
    report = _analysed(engine)
    assert (report.basis, report.runs, report.runs_on_paths) == ("history", 10, 10)
    paths = _by_states(report)
    small = paths["work route small"]
    assert (small.expected_s, small.runs_taken, small.probability) == (30, 6, 0.6)
    assert small.cost_expected == pytest.approx(0.5)  # the cost records: $0.50 for each visit of work
    approved = paths["work route review approved (approve)"]
    assert (approved.expected_s, approved.runs_taken, approved.probability) == (630, 3, 0.3)
    assert paths["work route review declined (reject)"].probability == 0.1
    timed_out = paths["work route review declined (timeout)"]
    # never taken: the timeout step is unrecorded and counted at its declared least time, the due time
    assert (timed_out.runs_taken, timed_out.probability, timed_out.unrecorded_steps) == (0, 0.0, 1)
    assert timed_out.expected_s == 30 + 3600
    assert paths["work declined (error)"].expected_s == 0  # unrecorded: declared least time
    assert any("from 10 finished runs" in note for note in report.notes)


def test_too_few_runs_give_no_probabilities_and_say_how_many(engine: Engine) -> None:
    for _ in range(3):
        _run(engine, big=False)
    report = _analysed(engine)
    assert report.runs == 3
    assert {p.probability for p in report.paths} == {None}
    assert _by_states(report)["work route small"].runs_taken == 3
    assert any("3 runs is fewer than the 10 needed" in note for note in report.notes)


def test_an_empty_database_falls_back_to_the_declared_figures(engine: Engine) -> None:
    report = _analysed(engine)
    assert (report.basis, report.runs) == ("declared", 0)
    assert {p.expected_s for p in report.paths} == {None}
