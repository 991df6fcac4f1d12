"""The heartbeat through a database outage: while the server refuses new connections (its `max_connections`
all taken, as an operator walk saw with four workers on one PostgreSQL), a beat fails; the heartbeat thread
must log it and beat again, not die — a worker whose heartbeat thread died runs its jobs on with nobody renewing
their leases, so every long action is taken over by another worker and run twice."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from postgres_roles import PostgresRole
from runtime_support import edge, final, task, workflow

from engine.runtime.actions import ActionRequest
from engine.runtime.engine import Engine

pytestmark = pytest.mark.postgres  # a server that refuses connections is PostgreSQL's case

SLOW = workflow({"work": task("slow", output="out"), "done": final()}, [edge("work", "done", "done")], id="slow")


def _lease_expires(role: PostgresRole, admin_url: str) -> float:
    admin = sa.create_engine(admin_url, poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as connection:
            return float(connection.exec_driver_sql("SELECT max(lease_expires) FROM jobs").scalar() or 0)
    finally:
        admin.dispose()


def test_the_heartbeat_renews_leases_again_once_the_server_takes_connections(
        postgres_role: PostgresRole, postgres_database_url: str) -> None:
    release = threading.Event()
    with Engine(postgres_role.url, heartbeat_s=0.1) as engine:
        engine.deploy(SLOW)

        @engine.register("slow")
        def slow(request: ActionRequest) -> int:
            assert release.wait(timeout=120)
            return 1

        run = engine.start("slow")
        worker = engine.worker(batch=1)
        running = threading.Thread(target=lambda: worker.execute(worker.claim()))
        running.start()
        try:
            while _lease_expires(postgres_role, postgres_database_url) == 0:  # claimed
                time.sleep(0.05)
            postgres_role.limit(0)  # the server takes no new connection of the role ...
            postgres_role.drop_connections()  # ... and has dropped the ones it had
            time.sleep(1)  # ten beats fail meanwhile
            postgres_role.limit(-1)
            renewed_from = _lease_expires(postgres_role, postgres_database_url)
            deadline = time.monotonic() + 30  # bounded, not measured
            while time.monotonic() < deadline and _lease_expires(postgres_role, postgres_database_url) <= renewed_from:
                time.sleep(0.1)
            renewed = _lease_expires(postgres_role, postgres_database_url) > renewed_from
            heartbeat = worker.heartbeat._thread
            alive = heartbeat is not None and heartbeat.is_alive()
        finally:
            release.set()
            running.join(timeout=60)
            worker.close()
        assert alive
        assert renewed
        assert engine.get(run.id).state == "done"
