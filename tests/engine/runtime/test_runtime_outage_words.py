"""While the database does not answer, the worker says so in a line, not a traceback a job: an outside run saw
about 4,000 log lines for a PostgreSQL restart of 2.5 s (60-130 lines of chained traceback for every job whose
outcome could not be written). The outcome is not lost for it: the job runs again once its lease lapses.

The database "goes down" here where a transaction commits (`_down`): the writes of the worker's finishing fail as
they would with the server gone, and nothing of them is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from runtime_support import edge, final, task, workflow

from engine.runtime.actions import ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from storage.errors import DatabaseUnavailable
from storage.transaction import Transaction


@contextmanager
def _down(engine: Engine, down: list[bool]) -> Iterator[None]:
    """Every write transaction begun while `down[0]` is set fails at its commit, as with the server gone."""
    store = engine.runtime.store
    original = store.write

    @contextmanager
    def write() -> Iterator[Transaction]:
        with original() as tx:
            yield tx
            if down[0]:
                raise DatabaseUnavailable("connection failed: Connection refused")

    store.write = write  # type: ignore[method-assign]
    try:
        yield
    finally:
        del store.write


def test_outcomes_the_database_cannot_take_are_one_line_and_run_again(
        engine: Engine, clock: ManualClock, caplog: pytest.LogCaptureFixture) -> None:
    down = [False]
    attempts: list[int] = []

    @engine.register("work")
    def work(request: ActionRequest) -> int:
        attempts.append(request.attempt)
        down[0] = len(attempts) <= 3  # the database goes away while the first three attempts run
        return request.attempt

    engine.deploy(workflow({"run": task("work", output="out"), "done": final()}, [edge("run", "done", "done")]))
    ids = [engine.start("flow").id for _ in range(3)]
    worker = engine.worker(owner="w")
    with caplog.at_level(logging.WARNING, logger="statewright.worker"), _down(engine, down):
        worker.run_once()  # claims the three, runs them; their outcomes cannot be written
    worker.close()

    finishing = [r for r in caplog.records if "finishing" in r.getMessage()]
    assert len(finishing) == 1, [r.getMessage() for r in caplog.records]
    assert finishing[0].exc_info is None  # no traceback
    assert "3 job(s) failed" in finishing[0].getMessage()
    assert "Connection refused" in finishing[0].getMessage()
    assert "runs again when its lease lapses" in finishing[0].getMessage()

    clock.advance(engine.runtime.lease_s + 1)  # the database is back; the leases lapse
    engine.run_until_idle()
    assert [engine.get(i).context["out"] for i in ids] == [2, 2, 2]  # each ran again, as its next attempt
