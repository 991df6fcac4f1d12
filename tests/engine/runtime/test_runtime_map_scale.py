"""A map's work per item does not grow with its number of items: each item's end reads the map's progress by
index seeks and from the parent's latest step, not by stepping over every item that ended before it (which made a
map of n items cost O(n²) rows read). Counted in SQLite's virtual machine steps, not in time: the same map over
20 and over 200 items, one item failing (tolerated), must cost about the same per item."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from runtime_support import edge, final, task, workflow

from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine

_SQUARE_EACH = workflow(
    {"each": {"type": "map", "items": "xs", "max_concurrency": 5, "tolerated_failures": 1, "output": "squares",
              "iterator": {"initial": "square",
                           "states": {"square": task("square", input={"x": "item"}, output="y"),
                                      "ok": final(result={"y": "y"}), "bad": final("failure")},
                           "transitions": [edge("square", "ok", "done"), edge("square", "bad", "error")]}},
     "done": final()},
    [edge("each", "done", "done")],
    id="square_each",
)
_FAILING = 3  # the one item whose action fails


def _square(request: ActionRequest) -> int:
    if request.input["x"] == _FAILING:
        raise ActionError("validation", "three is not squared")
    return int(request.input["x"]) ** 2


@contextmanager
def _counting_steps() -> Iterator[list[int]]:
    """SQLite virtual machine steps (in hundreds) of the connections opened meanwhile, counted while the list
    it gives holds a true flag at [1]."""
    counted = [0, 0]

    def count() -> int:
        counted[0] += counted[1]
        return 0

    def on_connect(connection: sqlite3.Connection, _: object) -> None:
        connection.set_progress_handler(count, 100)

    sa.event.listen(sa.pool.Pool, "connect", on_connect)
    try:
        yield counted
    finally:
        sa.event.remove(sa.pool.Pool, "connect", on_connect)


def _steps_per_item(engine: Engine, counted: list[int], items: int) -> float:
    started = engine.start("square_each", {"xs": list(range(items))})
    counted[:] = [0, 1]
    engine.run_until_idle()
    counted[1] = 0
    done = engine.get(started.id)
    assert (done.status, done.state) == ("succeeded", "done")
    assert done.context["squares"] == [None if i == _FAILING else {"y": i * i} for i in range(items)]
    return counted[0] / items


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # SQLite's virtual machine steps are counted
def test_an_items_end_costs_the_same_in_a_map_ten_times_longer(database_url: str, clock: ManualClock) -> None:
    with _counting_steps() as counted, Engine(database_url, clock=clock) as engine:
        engine.deploy(_SQUARE_EACH)
        engine.register("square")(_square)
        short, long = (_steps_per_item(engine, counted, items) for items in (20, 200))
    assert long < 1.3 * short, (short, long)
