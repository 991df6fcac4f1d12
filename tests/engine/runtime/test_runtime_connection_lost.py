"""A host on PostgreSQL after the server dropped its connections (a restart, a failover, an idle-connection
killer): the engine keeps connections open between transactions, and the next calls must not fail with them.
A transaction that broke before its COMMIT was sent never committed, so it runs again on a new connection;
only a break during the COMMIT itself, whose outcome is unknown, is reported (`StorageError`)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import sqlalchemy as sa
from runtime_support import edge, final, task, workflow

from engine.runtime.actions import ActionRequest
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine

DOOR = workflow({"open": {"type": "wait", "duration": "P1D"}, "closed": final()}, [edge("open", "closed", "close")],
                id="door")
STAMP = workflow({"stamp": task("stamp", output="stamped"), "done": final()}, [edge("stamp", "done", "done")],
                 id="stamp")


def _drop_connections(database_url: str, application_name: str) -> int:
    """Terminate this test's own server connections, as a PostgreSQL restart would (no one else's)."""
    url = sa.make_url(database_url)
    with psycopg.connect(host=url.host, port=url.port or 5432, user=url.username, dbname=url.database,
                         autocommit=True) as admin:
        found = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s "
                              "AND pid <> pg_backend_pid() AND application_name = %s",
                              (url.database, application_name)).fetchone()
    return int(found[0]) if found else 0


pytestmark = pytest.mark.postgres  # a server that drops its connections is PostgreSQL's case


@pytest.fixture
def named(postgres_database_url: str) -> tuple[str, str]:
    name = f"sw_lost_{uuid.uuid4().hex[:10]}"
    url = sa.make_url(postgres_database_url).update_query_dict({"application_name": name})
    return url.render_as_string(hide_password=False), name


def test_reads_and_commands_carry_on_after_the_server_dropped_every_connection(named: tuple[str, str],
                                                                                clock: ManualClock) -> None:
    url, name = named
    with Engine(url, clock=clock) as engine:
        engine.deploy(DOOR)
        runs = [engine.start("door").id for _ in range(6)]
        with ThreadPoolExecutor(4) as pool:  # several connections kept open at once, as a web host's threads do
            list(pool.map(engine.get, runs * 4))
        assert _drop_connections(url, name) >= 2
        assert engine.get(runs[0]).state == "open"
        assert _drop_connections(url, name) >= 1
        assert engine.send(runs[0], "close").state == "closed"
        assert _drop_connections(url, name) >= 1
        assert engine.start("door").status == "running"
        assert _drop_connections(url, name) >= 1
        assert engine.count_instances() == 7
        assert [h.event for h in engine.history(runs[0])] == ["(start)", "close"]  # the send applied once


def test_a_worker_carries_on_after_the_server_dropped_its_connections(named: tuple[str, str],
                                                                       clock: ManualClock) -> None:
    url, name = named
    with Engine(url, clock=clock) as engine:
        engine.deploy(STAMP)

        @engine.register("stamp")
        def stamp(request: ActionRequest) -> str:
            return request.idempotency_key

        first = engine.start("stamp").id
        assert _drop_connections(url, name) >= 1
        assert engine.run_until_idle() >= 1
        assert engine.get(first).status == "succeeded"
