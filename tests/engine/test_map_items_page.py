"""The map items read model on SQLite and PostgreSQL: the latest visit's items in item order ('#9' before '#10'),
a status's page, the counts; a later visit of the map replaces the earlier one; a parallel state's branches are
no map items; a map over a subflow lists its items too."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from engine import Engine
from engine.read_models.map_items import map_items_page
from engine.runtime.actions import ActionError, ActionRequest

ITEM = {"id": "one_ticket", "title": "One ticket", "initial": "look",
        "states": {"look": {"type": "task", "action": "look", "input": {"n": "n"}},
                   "done": {"type": "final", "result": {"n": "n"}}},
        "transitions": [{"source": "look", "trigger": "done", "dest": "done"}]}
FLOW: dict[str, Any] = {
    "id": "rounds", "title": "Rounds", "initial": "split",
    "states": {
        "split": {"type": "parallel", "branches": [{"name": "side", "initial": "idle", "states": {
            "idle": {"type": "final"}}, "transitions": []}]},
        "each": {"type": "map", "items": "tickets", "workflow": "one_ticket", "input": {"n": "item"},
                 "max_concurrency": 4, "tolerated_failure_percentage": 100},
        "again": {"type": "approval", "approvers": {"roles": ["ops"]}},
        "finished": {"type": "final"},
    },
    "transitions": [{"source": "split", "trigger": "done", "dest": "each"},
                    {"source": "each", "trigger": "done", "dest": "again"},
                    {"source": "again", "trigger": "reject", "dest": "finished"},
                    {"source": "again", "trigger": "approve", "dest": "each"}],
}


def _look(request: ActionRequest) -> int:
    if request.input.get("n", 0) % 5 == 3:
        raise ActionError("invalid", f"no ticket {request.input}", retryable=False)
    return 1


def test_the_latest_visits_items_in_order_counted_and_paged(database_url: str) -> None:
    with Engine(database_url) as engine:
        engine.register("look", _look)
        engine.deploy(ITEM)
        engine.deploy(FLOW)
        run = engine.start("rounds", {"tickets": list(range(12))})
        engine.run_until_idle()
        database = sa.create_engine(database_url)
        try:
            first = map_items_page(database, run.id)
            assert (first.state, first.total) == ("each", 12)
            assert [i.index for i in first.items] == list(range(12))
            assert first.counts == {"succeeded": 10, "failed": 2}
            failed = map_items_page(database, run.id, status="failed")
            assert [i.index for i in failed.items] == [3, 8]
            assert all(i.state == "look" and i.error is not None for i in failed.items)
            assert [i.index for i in map_items_page(database, run.id, limit=3, offset=9).items] == [9, 10, 11]

            engine.approve(run.id, actor="olga", roles=["ops"])  # a second visit of the map
            engine.run_until_idle()
            again = map_items_page(database, run.id)
            assert (again.visit_seq or 0) > (first.visit_seq or 0) > 0
            assert (again.total, again.counts) == (12, {"succeeded": 10, "failed": 2})
            assert {i.instance_id for i in again.items}.isdisjoint(i.instance_id for i in first.items)
        finally:
            database.dispose()


HANDLED: dict[str, Any] = {
    "id": "handled_rounds", "title": "Handled rounds", "initial": "each",
    "states": {
        "each": {"type": "map", "items": "tickets", "max_concurrency": 4, "tolerated_failure_percentage": 100,
                 "iterator": {"initial": "route", "states": {
                     "route": {"type": "choice"},
                     "look": {"type": "task", "action": "look", "input": {"n": "item"}},
                     "done": {"type": "final"},
                     "ko": {"type": "final", "outcome": "failure"}},
                     "transitions": [{"source": "route", "dest": "ko", "guard": "item == 4"},
                                     {"source": "route", "dest": "look"},
                                     {"source": "look", "trigger": "done", "dest": "done"},
                                     {"source": "look", "trigger": "error", "dest": "ko"}]}},
        "finished": {"type": "final"},
    },
    "transitions": [{"source": "each", "trigger": "done", "dest": "finished"}],
}


def test_an_item_whose_flow_handled_its_failure_is_explained_by_its_history(database_url: str) -> None:
    """No error of its own: the last `error` event its history records says why; with none, the failure final
    state it ended in does."""
    with Engine(database_url) as engine:
        engine.register("look", _look)
        engine.deploy(HANDLED)
        run = engine.start("handled_rounds", {"tickets": list(range(5))})
        engine.run_until_idle()
        database = sa.create_engine(database_url)
        try:
            failed = map_items_page(database, run.id, status="failed")
            assert [(i.index, i.state, i.error) for i in failed.items] == [
                (3, "ko", {"kind": "invalid", "message": "no ticket {'n': 3}"}),
                (4, "ko", {"kind": "failure_state", "message": "ended in the failure state 'ko'"}),
            ]
            assert all(i.error is None for i in map_items_page(database, run.id, status="succeeded").items)
        finally:
            database.dispose()
