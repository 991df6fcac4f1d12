"""The decisions list read from a place (`before`: the decision a page comes after) on SQLite and PostgreSQL: from
every place, every page holds the decisions after it in the list's order — newest first, then the higher approval
id, then the actor in name order, among decisions taken at one moment — and the total counts them all. The
engine runs on a manual clock, so that several actors can decide several requests at one moment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from engine.read_models.approvals import DecisionPlace, DecisionView, decision_place, list_decisions
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine

_FLOW = {"id": "pair", "title": "Two approvals", "initial": "review",
         "states": {"review": {"type": "approval", "approvers": {"roles": ["staff"]}, "quorum": 3},
                    "done": {"type": "final"}},
         "transitions": [{"source": "review", "trigger": "approve", "dest": "done"},
                         {"source": "review", "trigger": "reject", "dest": "done"}]}
_ACTORS = ("Zoe", "amy", "bob")  # name order differs from case-blind order: the list keeps the database's own
_MOMENTS = (1, 3, 1, 2)  # requests decided by every actor at each moment


@pytest.fixture
def database(database_url: str) -> Iterator[sa.Engine]:
    clock = ManualClock()
    with Engine(database_url, clock=clock) as engine:
        engine.deploy(_FLOW)
        for requests in _MOMENTS:
            clock.advance(1)
            started = [engine.start("pair", tenant="acme").id for _ in range(requests)]
            for instance in started:
                for actor in _ACTORS:
                    engine.approve(instance, actor=actor, roles=("staff",))
        other = engine.start("pair", tenant="globex").id
        engine.approve(other, actor="amy", roles=("staff",))
    database = sa.create_engine(database_url)
    yield database
    database.dispose()


def _place(decision: DecisionView) -> DecisionPlace:
    return DecisionPlace(decision.at, decision.approval_id, decision.actor)


def test_every_page_after_every_place_across_ties(database: sa.Engine) -> None:
    whole, total = list_decisions(database, tenant="acme", actor=None, limit=100, offset=0)
    assert total == len(whole) == sum(_MOMENTS) * len(_ACTORS)
    assert len({(d.approval_id, d.actor) for d in whole}) == total
    assert [d.at for d in whole] == sorted((d.at for d in whole), reverse=True)
    for at, place in enumerate(whole):
        assert decision_place(database, tenant="acme", approval_id=place.approval_id, actor=place.actor) == (
            _place(place))
        after = whole[at + 1:]
        for limit in (1, 4):
            for offset in (0, 2):
                page, counted = list_decisions(database, tenant="acme", actor=None, limit=limit, offset=offset,
                                               before=_place(place))
                assert (page, counted) == (after[offset:offset + limit], total)


def test_one_actor_walks_their_own_decisions_once(database: sa.Engine) -> None:
    mine, total = list_decisions(database, tenant="acme", actor="amy", limit=100, offset=0)
    assert total == len(mine) == sum(_MOMENTS)
    walked: list[DecisionView] = []
    while True:
        page, _ = list_decisions(database, tenant="acme", actor="amy", limit=2, offset=0,
                                 before=_place(walked[-1]) if walked else None)
        walked += page
        if len(page) < 2:
            break
    assert walked == mine


def test_a_decision_of_another_tenant_is_no_place(database: sa.Engine) -> None:
    theirs, _ = list_decisions(database, tenant="globex", actor=None, limit=1, offset=0)
    assert decision_place(database, tenant="acme", approval_id=theirs[0].approval_id, actor="amy") is None
    assert decision_place(database, tenant="globex", approval_id=theirs[0].approval_id, actor="amy") is not None
