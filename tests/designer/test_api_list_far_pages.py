"""The instance list's last pages are read from the oldest end of the index (turned round), not by stepping
over every newer instance: the same rows in the same order on SQLite and PostgreSQL, asked over HTTP of an app
served by uvicorn on loopback, and on SQLite the work of a first page (counted in its virtual machine's steps,
not in time). The instances are copied in bulk (`bench.bulk_rows`), not started one at a time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from designer_support import MINIMAL_WORKFLOW, PASSWORD, make_settings, served
from litestar.testing import TestClient

from bench.bulk_rows import copy_instances
from designer.app import build_services, create_app
from engine.read_models.instances import InstanceQuery, search_instances

TENANT_SIZE = 1_000


@pytest.fixture
def listed(database_url: str, tmp_path: Path) -> Iterator[tuple[httpx.Client, list[str]]]:
    """An app of its own over `database_url` (SQLite and PostgreSQL) whose tenant holds TENANT_SIZE instances,
    two created at each moment (the tie broken by id); a viewer's client of it served over loopback, and the
    instances' ids newest first."""
    settings = make_settings(tmp_path, workers=0, database_url=database_url)
    services = build_services(settings)
    services.accounts.add_user("many-viewer", PASSWORD, roles=["viewer"], tenant="default")
    token = services.accounts.create_token(services.accounts.login("many-viewer", PASSWORD).principal, "t").token
    services.engine.deploy(MINIMAL_WORKFLOW)
    source = services.engine.start(MINIMAL_WORKFLOW["id"], {}).id
    database = sa.create_engine(database_url)
    copy_instances(database, source, TENANT_SIZE // 2 - 1, prefix="b")  # with the source: 500 moments, 2 each
    copy_instances(database, source, TENANT_SIZE // 2, prefix="a")
    with database.connect() as connection:
        order = connection.execute(sa.text("SELECT id FROM instances WHERE tenant = 'default' "
                                           "ORDER BY created_at DESC, id")).scalars().all()
    database.dispose()
    app = create_app(settings, services=services)
    with TestClient(app):
        for port in served(app):
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"},
                              timeout=30) as client:
                yield client, list(order)
    services.close()


def test_every_page_of_a_long_list_holds_its_rows_in_order(listed: tuple[httpx.Client, list[str]]) -> None:
    client, newest_first = listed
    assert len(newest_first) == TENANT_SIZE
    for offset, limit in ((0, 50), (475, 50), (476, 50), (500, 50), (950, 50), (960, 50), (999, 50), (990, 7),
                          (1000, 50), (1200, 50)):
        page = client.get("/api/instances", params={"offset": offset, "limit": limit}).json()
        assert [i["id"] for i in page["items"]] == newest_first[offset:offset + limit], (offset, limit)
        assert (page["total"], page["offset"], page["limit"]) == (TENANT_SIZE, offset, limit)


def _steps(path: Path, offset: int) -> int:
    """The SQLite virtual machine steps (in hundreds) the list's page at `offset` takes: the rows it steps over."""
    database = sa.create_engine(f"sqlite:///{path}")
    counted = [0]

    @sa.event.listens_for(database, "connect")
    def count(connection: sqlite3.Connection, _: object) -> None:
        def step() -> int:
            counted[0] += 1
            return 0
        connection.set_progress_handler(step, 100)

    search_instances(database, InstanceQuery(tenant="default"), limit=50, offset=0)  # connected: count from here
    counted[0] = 0
    rows, total = search_instances(database, InstanceQuery(tenant="default"), limit=50, offset=offset)
    database.dispose()
    assert (len(rows), total) == (50, TENANT_SIZE)
    return counted[0]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # SQLite's virtual machine steps are counted
def test_the_last_page_steps_over_no_more_rows_than_the_first(
        listed: tuple[httpx.Client, list[str]], database_url: str) -> None:
    path = Path(sa.make_url(database_url).database or "")
    first, middle, last = (_steps(path, offset) for offset in (0, 450, TENANT_SIZE - 50))
    assert middle > 2 * first, (first, middle)  # the counting tells stepping over rows from reading a page
    assert last < 1.5 * first, (first, last)
