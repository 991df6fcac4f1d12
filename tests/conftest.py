"""Shared fixtures: `database_url`, parametrised over SQLite (a file per test) and PostgreSQL.

PostgreSQL is the server at STATEWRIGHT_TEST_POSTGRES_URL (default: the local `test` database). Each test
session works in a schema of its own, migrated once; each test starts from empty tables. With CI=true a
PostgreSQL that cannot be reached fails the run; elsewhere its tests are skipped with the reason.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import sys
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa

# pytest puts this folder first on sys.path (for this conftest), where `tests/engine` and `tests/storage`
# would pass for namespace packages and hide the real `engine` and `storage`; the project root goes first.
ROOT = str(Path(__file__).resolve().parents[1])
if sys.path[0] != ROOT:
    sys.path.insert(0, ROOT)

from must_run import unavailable  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter  # noqa: E402
from postgres_roles import PostgresRole  # noqa: E402

import agents.tools.sandbox.tables  # noqa: E402, F401 - every owner's tables, emptied between tests
import designer.store.accounts  # noqa: E402
import designer.store.drafts  # noqa: E402
import designer.store.publication_requests  # noqa: E402, F401
from engine.tracing import disable_tracing, enable_tracing  # noqa: E402
from storage.database import create_database_engine  # noqa: E402 - after the path fix above
from storage.schema import metadata, upgrade  # noqa: E402

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (running the migrations per test costs ~100 ms)."""
    path = tmp_path_factory.mktemp("template") / "statewright.db"
    engine = create_database_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    with closing(sqlite3.connect(path)) as connection:  # fold the WAL into the file that gets copied
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated schema on the test PostgreSQL for this session; dropped at the end."""
    base = os.environ.get("STATEWRIGHT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    schema = f"sw_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        unavailable(f"PostgreSQL at {base} is not reachable: {str(exc).splitlines()[0]}")
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    engine = create_database_engine(rendered)
    upgrade(engine)
    engine.dispose()
    yield rendered
    with admin.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


def _empty_postgres(url: str) -> None:
    """DELETE rather than TRUNCATE: on a handful of rows it is ten times faster."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        for table in reversed(metadata().sorted_tables):
            connection.exec_driver_sql(f'DELETE FROM "{table.name}"')
    engine.dispose()


@pytest.fixture
def postgres_database_url(postgres_url: str) -> str:
    """A migrated, empty PostgreSQL database, for a test that is PostgreSQL's case only (mark it `postgres`)."""
    _empty_postgres(postgres_url)
    return postgres_url


@pytest.fixture
def postgres_role(postgres_database_url: str) -> Iterator[PostgresRole]:
    """The migrated, empty PostgreSQL database as a login role of the test's own, whose connections the test may
    limit (`PostgresRole.limit`) or drop; the role is dropped at the end."""
    role = PostgresRole(postgres_database_url)
    try:
        yield role
    finally:
        role.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        target = tmp_path / "statewright.db"
        shutil.copyfile(sqlite_template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Tracing on for the test, into memory (engine.tracing); off again after it."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    enable_tracing(provider)
    try:
        yield exporter
    finally:
        disable_tracing()
        provider.shutdown()


def _loggers() -> list[logging.Logger]:
    return [logging.getLogger(), *(found for found in logging.Logger.manager.loggerDict.values()
                                   if isinstance(found, logging.Logger))]


def _writes_to_a_closed_stream(handler: logging.Handler) -> bool:
    """Litestar's root handler is a queue whose listener thread holds the stream handlers."""
    inner = getattr(getattr(handler, "listener", None), "handlers", ())
    return any(getattr(getattr(each, "stream", None), "closed", False) for each in (handler, *inner))


@pytest.fixture(autouse=True)
def _no_log_handler_left_behind() -> Iterator[None]:
    """A handler a test left on a logger, writing to a stream that test had (a CliRunner's, capsys's — Litestar's
    default logging config takes `sys.stderr` as it is when an app starts), fails on every record once that stream
    is closed, which may be only when it is collected, tests later: its "--- Logging error ---" then lands in a later
    test's captured CLI output. So the handlers a test adds go after it (pytest's own excepted), and any handler
    found writing to a closed stream goes before and after each test."""
    for logger in _loggers():
        for handler in [h for h in logger.handlers if _writes_to_a_closed_stream(h)]:
            logger.removeHandler(handler)
    before = {id(logger): set(map(id, logger.handlers)) for logger in _loggers()}
    yield
    for logger in _loggers():
        had = before.get(id(logger), set())
        for handler in list(logger.handlers):
            added = id(handler) not in had and not type(handler).__module__.startswith("_pytest")
            if added or _writes_to_a_closed_stream(handler):
                logger.removeHandler(handler)
