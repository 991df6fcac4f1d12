"""The instance list read from a place (`before`: the instance a page comes after) on SQLite and PostgreSQL:
from every place, every page holds the instances after it in the list's order — newest first, by id among
instances started at the same moment — whether the page is read from the newest end or, past the middle of what
follows the place, from the oldest; the filters apply as without a place, which need not match them, and the
total counts every match. The engine runs on a manual clock, so that instances can be started at one moment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from engine.read_models.instances import InstanceQuery, InstanceRowView, search_instances
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine

_FLOW = {"id": "door", "title": "A door", "initial": "open",
         "states": {"open": {"type": "wait", "duration": "P1D"}, "closed": {"type": "final"}},
         "transitions": [{"source": "open", "trigger": "done", "dest": "closed"}]}
_MOMENTS = (("door", 2), ("door", 5), ("gate", 1), ("door", 1), ("gate", 3), ("door", 1))  # starts per moment


@pytest.fixture
def database(database_url: str) -> Iterator[sa.Engine]:
    """The tenant's instances started at six moments, most of them several at one moment (tied on created_at),
    of two workflows; another tenant's instance started at the moment of the most ties."""
    clock = ManualClock()
    with Engine(database_url, clock=clock) as engine:
        engine.deploy(_FLOW)
        engine.deploy({**_FLOW, "id": "gate"})
        for workflow, starts in _MOMENTS:
            clock.advance(1)
            for _ in range(starts):
                engine.start(workflow, tenant="acme")
            if starts == 5:
                engine.start(workflow, tenant="globex")
    database = sa.create_engine(database_url)
    yield database
    database.dispose()


def _place(row: InstanceRowView) -> tuple[float, str]:
    return row.created_at, row.id


def test_the_whole_list_runs_newest_first_then_by_id(database: sa.Engine) -> None:
    rows, total = search_instances(database, InstanceQuery(tenant="acme"), limit=100, offset=0)
    assert total == len(rows) == sum(starts for _, starts in _MOMENTS)
    assert len({r.created_at for r in rows}) == len(_MOMENTS)
    assert [_place(r) for r in rows] == sorted((_place(r) for r in rows), key=lambda p: (-p[0], p[1]))


def test_every_page_after_every_place_across_ties(database: sa.Engine) -> None:
    query = InstanceQuery(tenant="acme")
    whole, total = search_instances(database, query, limit=100, offset=0)
    for at, place in enumerate(whole):
        after = whole[at + 1:]
        for limit in (1, 2, 4, 50):
            for offset in range(len(after) + 2):  # up to past the end: read from either end of what follows
                page, counted = search_instances(database, query, limit=limit, offset=offset, before=_place(place))
                assert (page, counted) == (after[offset:offset + limit], total), (at, limit, offset)


def test_a_walk_from_place_to_place_lists_each_instance_once(database: sa.Engine) -> None:
    query = InstanceQuery(tenant="acme")
    whole, _ = search_instances(database, query, limit=100, offset=0)
    for limit in (1, 2, 3, 4):
        walked, _ = search_instances(database, query, limit=limit, offset=0)
        for _ in range(len(whole)):  # a place that does not move the walk on would otherwise loop for ever
            page, _ = search_instances(database, query, limit=limit, offset=0, before=_place(walked[-1]))
            walked += page
            if len(page) < limit:
                break
        assert walked == whole, limit


def test_the_filters_apply_from_a_place_that_need_not_match_them(database: sa.Engine) -> None:
    whole, _ = search_instances(database, InstanceQuery(tenant="acme"), limit=100, offset=0)
    _, gate_total = search_instances(database, InstanceQuery(tenant="acme", workflow_id="gate"), limit=1, offset=0)
    assert gate_total == 4
    for at, place in enumerate(whole):
        page, total = search_instances(database, InstanceQuery(tenant="acme", workflow_id="gate"), limit=100,
                                       offset=0, before=_place(place))
        assert (page, total) == ([r for r in whole[at + 1:] if r.workflow_id == "gate"], gate_total), at
    newest, oldest = whole[0].created_at, whole[-1].created_at
    window = InstanceQuery(tenant="acme", since=oldest + 1, until=newest)  # neither the first nor the last moment
    inside, inside_total = search_instances(database, window, limit=100, offset=0)
    for at, place in enumerate(whole):
        page, total = search_instances(database, window, limit=100, offset=0, before=_place(place))
        assert (page, total) == ([r for r in whole[at + 1:] if r in inside], inside_total), at
