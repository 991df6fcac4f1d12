"""The DBOS Transact peer: Statewright's increment chain (`bench.workloads.INCREMENT_FLOW`) written as the
smallest DBOS program that does the same — a `@DBOS.workflow` of CHAIN_STEPS `@DBOS.step`s, each returning its
input + 1 — on DBOS's own system database (SQLite file or PostgreSQL), as DBOS sets it up.

DBOS checkpoints each step's output and the workflow's status in its system database, so a workflow of 8 steps
is 8 durable steps, as Statewright's 8 tasks are 8 persisted transitions. Workflows run one at a time in this
thread, or from `concurrent` threads each calling the workflow (DBOS runs a workflow called directly in the
calling thread). After the timed run the steps DBOS recorded are counted in its system database, and a count
other than CHAIN_STEPS per workflow is an error.

DBOS is a process-wide singleton: `dbos_launched` configures, launches and destroys it, one database at a time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import sqlalchemy as sa
from dbos import DBOS, DBOSConfig

from bench.workloads import CHAIN_STEPS

__all__ = ["dbos_launched", "dbos_rate"]


@DBOS.step()
def _increment(x: int) -> int:
    return x + 1


@DBOS.workflow()
def _increment_chain(x: int) -> int:
    for _ in range(CHAIN_STEPS):
        x = _increment(x)
    return x


@contextmanager
def dbos_launched(system_database_url: str, *, schema: str | None = None) -> Iterator[None]:
    """DBOS launched on `system_database_url` (PostgreSQL: its tables in `schema`), destroyed on leaving."""
    config: DBOSConfig = {"name": "statewright-bench", "system_database_url": system_database_url,
                          "sys_db_pool_size": 40, "log_level": "WARNING"}
    if schema is not None:
        config["dbos_system_schema"] = schema
    DBOS(config=config)
    try:
        DBOS.launch()
        yield
    finally:
        DBOS.destroy(destroy_registry=False)


def _steps_recorded(system_database_url: str, schema: str | None) -> int:
    table = f'"{schema}".operation_outputs' if schema else "operation_outputs"
    url = sa.make_url(system_database_url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")  # psycopg 3, as DBOS itself uses
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return int(connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())
    finally:
        engine.dispose()


def dbos_rate(system_database_url: str, count: int, *, concurrent: int = 1, schema: str | None = None) -> float:
    """Workflows per second of `count` increment chains in the launched DBOS, `concurrent` threads at a time."""
    before = _steps_recorded(system_database_url, schema)
    started = time.perf_counter()
    if concurrent == 1:
        results = [_increment_chain(n) for n in range(count)]
    else:
        with ThreadPoolExecutor(concurrent) as pool:
            results = list(pool.map(_increment_chain, range(count)))
    elapsed = time.perf_counter() - started
    recorded = _steps_recorded(system_database_url, schema) - before
    if results != [n + CHAIN_STEPS for n in range(count)] or recorded != count * CHAIN_STEPS:
        raise RuntimeError(f"DBOS recorded {recorded} steps for {count} workflows of {CHAIN_STEPS}")
    return count / elapsed
