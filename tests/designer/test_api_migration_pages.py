"""A migration's preview at thousands of instances: the answer groups every instance by what the migration does
(as the designer shows it, state by state) and lists the plans a page at a time, ordered by instance id — its
size bounded by the page, not by the instances (at 100,000 instances the one list of plans was 31.5 MB). On
SQLite and PostgreSQL; the instances are copied in bulk (`bench.bulk_rows`), not started one at a time.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from designer_support import PASSWORD, make_settings
from litestar import Litestar
from litestar.testing import TestClient

from bench.bulk_rows import copy_instances
from designer.app import build_services, create_app
from engine.runtime.engine import Engine

FLOW: dict[str, Any] = {
    "id": "porch_flow", "title": "Porch", "initial": "route",
    "states": {"route": {"type": "choice"},
               "knock": {"type": "wait", "duration": "P1D"},
               "review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}},
               "hold": {"type": "wait", "event": {"type": "released"}},
               "open": {"type": "final"}},
    "transitions": [{"source": "route", "dest": "review", "guard": "go == 'review'", "priority": 1},
                    {"source": "route", "dest": "hold", "guard": "go == 'hold'", "priority": 2},
                    {"source": "route", "dest": "knock"},
                    {"source": "knock", "trigger": "done", "dest": "open"},
                    {"source": "review", "trigger": "approve", "dest": "open"},
                    {"source": "review", "trigger": "reject", "dest": "open"},
                    {"source": "hold", "trigger": "done", "dest": "open"}],
}
COPIES = {"knock": 1_499, "review": 999, "hold": 499}  # with the instance each copies: 3,000 instances
INSTANCES = sum(COPIES.values()) + len(COPIES)


def _next_version() -> dict[str, Any]:
    """'knock' waits longer (entered afresh), 'review' is the same (carried), 'hold' is gone (refused)."""
    flow = copy.deepcopy(FLOW)
    flow["states"]["knock"]["duration"] = "P2D"
    del flow["states"]["hold"]
    flow["transitions"] = [t for t in flow["transitions"] if "hold" not in (t["source"], t["dest"])]
    return {**flow, "version": 2}


@pytest.fixture
def many(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient[Litestar], Engine]]:
    """An app of its own over `database_url` whose tenant runs INSTANCES instances of porch_flow v1 in three
    states, v2 deployed; a viewer's client of it and its engine."""
    settings = make_settings(tmp_path, workers=0, database_url=database_url)
    services = build_services(settings)
    services.accounts.add_user("porch-viewer", PASSWORD, roles=["viewer"], tenant="default")
    token = services.accounts.create_token(services.accounts.login("porch-viewer", PASSWORD).principal, "t").token
    engine = services.engine
    engine.deploy(FLOW)
    database = sa.create_engine(database_url)
    for state, count in COPIES.items():
        source = engine.start("porch_flow", {"go": state}).id
        copy_instances(database, source, count, prefix=f"{state}-copy")
    database.dispose()
    engine.deploy(_next_version())
    app = create_app(settings, services=services)
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client, engine
    services.close()


def _preview(client: TestClient[Litestar], **params: Any) -> Any:
    response = client.get("/api/definitions/porch_flow/migration", params={"from": 1, "to": 2, **params})
    assert response.status_code == 200, response.text
    return response.json()


def _walk(client: TestClient[Litestar], **params: Any) -> list[dict[str, Any]]:
    """Every plan, page after page, following `next`."""
    plans: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        page = _preview(client, **params, **({"after": after} if after else {}))
        plans += page["plans"]
        after = page["next"]
        if after is None:
            return plans
        assert page["plans"][-1]["instance_id"] == after


def _group_of(plan: dict[str, Any]) -> tuple[Any, ...]:
    return plan["state"], plan["target_state"], plan["state_change"], plan["entry"], plan["refused"]


def test_the_groups_cover_every_instance_and_the_pages_list_each_once_in_order(
        many: tuple[TestClient[Litestar], Engine]) -> None:
    client, engine = many
    first = _preview(client)
    assert (first["instances"], first["would_migrate"], first["refused"]) == (INSTANCES, 2_500, 500)
    assert len(first["plans"]) == 100
    assert sum(g["instances"] for g in first["groups"]) == INSTANCES

    plans = _walk(client, limit=700)
    ids = [p["instance_id"] for p in plans]
    assert ids == sorted(ids)
    assert len(set(ids)) == INSTANCES
    unpaged = engine.migration_preview("porch_flow", 1, 2, tenant="default")
    assert plans == sorted((p.as_dict() for p in unpaged.plans), key=lambda p: p["instance_id"])

    counted = Counter(_group_of(p) for p in plans)
    assert {_group_of(g): g["instances"] for g in first["groups"]} == counted
    work: Counter[tuple[Any, ...]] = Counter()
    for plan in plans:
        work.update((*_group_of(plan), w["kind"], w["outcome"]) for w in plan["pending"])
    assert {(*_group_of(g), w["kind"], w["outcome"]): w["count"] for g in first["groups"] for w in g["work"]} == work
    review = next(g for g in first["groups"] if g["state"] == "review")
    assert (review["instances"], review["entry"], review["work"]) == (
        1_000, "carried", [{"kind": "approval", "outcome": "carried", "count": 1}])  # the copies have none
    assert [g["state"] for g in first["groups"]] == ["knock", "review", "hold"]  # the largest first
    assert first["groups"][2]["refused"] == "the state 'hold' is not in version 2; map it to one of its states"
    assert first["groups"][2]["example"] == min(p["instance_id"] for p in plans if p["state"] == "hold")


def test_a_page_of_one_state(many: tuple[TestClient[Litestar], Engine]) -> None:
    client, _ = many
    held = _walk(client, state="hold", limit=1000)
    assert len(held) == 500
    assert {p["state"] for p in held} == {"hold"}
    page = _preview(client, state="review", limit=10)
    assert [p["state"] for p in page["plans"]] == ["review"] * 10
    assert sum(g["instances"] for g in page["groups"]) == INSTANCES  # the groups still cover every instance
    assert _preview(client, state="open")["plans"] == []


def test_the_answer_is_as_large_as_its_page_not_as_the_instances(many: tuple[TestClient[Litestar], Engine]) -> None:
    """3,000 plans were about 900 kB; a page of 100 and the groups stay under 60 kB, a page of 10 under 10 kB."""
    client, _ = many
    query = {"from": 1, "to": 2}
    assert len(client.get("/api/definitions/porch_flow/migration", params=query).content) < 60_000
    assert len(client.get("/api/definitions/porch_flow/migration", params={**query, "limit": 10}).content) < 10_000
