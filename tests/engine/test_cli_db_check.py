"""`statewright db current` and `statewright db check`: where a database's schema stands, without upgrading it.

Every other command that opens a database upgrades one that is behind first, so an operator could not learn whether
a database needed `db upgrade` (before a release, after restoring a backup) without upgrading it. `db current`
prints the database's revision and this release's head; `db check` exits 0 at the head and 1 with one line saying
why otherwise — behind, ahead (a newer release wrote it), not a Statewright database, or not readable — on SQLite
and on PostgreSQL, and neither changes anything (not even the WAL switch the engine makes as it opens a file)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine.cli.app import build_app, run_app
from storage.database import create_database_engine
from storage.schema import HEAD_REVISION, upgrade

BEHIND = "0016"
STATES = ("current", "behind", "ahead", "empty", "foreign")
Make = Callable[[str], str]


def _db(*argv: str) -> int:
    return run_app(build_app("db"), ["db", *argv])


def _fill(url: str, state: str) -> None:
    """Bring the new, empty database at `url` to `state`."""
    if state == "empty":
        return
    engine = create_database_engine(url)
    try:
        if state == "foreign":
            with engine.begin() as connection:
                connection.exec_driver_sql("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total NUMERIC)")
            return
        upgrade(engine, BEHIND if state == "behind" else "head")
        if state == "ahead":  # as a newer release leaves it
            with engine.begin() as connection:
                connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Make]:
    """Makes a new database of each kind in a given state: a SQLite file, or a PostgreSQL schema of its own."""
    made: list[str] = []
    base = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None

    def new(state: str) -> str:
        if base is None:
            path = tmp_path / f"{state}.db"
            sqlite3.connect(path).close()  # an empty file, as `touch` makes
            url = f"sqlite:///{path}"
        else:
            schema = f"sw_check_{uuid.uuid4().hex[:10]}"
            with sa.create_engine(base, poolclass=sa.pool.NullPool).begin() as connection:
                connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            made.append(schema)
            url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
                hide_password=False)
        _fill(url, state)
        return url

    yield new
    if base is not None:
        with sa.create_engine(base, poolclass=sa.pool.NullPool).begin() as connection:
            for schema in made:
                connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


def _snapshot(url: str) -> object:
    """Everything `db current` or `db check` could have changed: a SQLite file's bytes (its header says its journal
    mode), or a PostgreSQL schema's tables and recorded revision."""
    target = sa.make_url(url)
    if target.get_backend_name() == "sqlite":
        return Path(target.database or "").read_bytes()
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        tables = sorted(sa.inspect(connection).get_table_names())
        revision = (connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
                    if "alembic_version" in tables else None)
    engine.dispose()
    return tables, revision


@pytest.mark.parametrize("state", STATES)
def test_current_prints_the_revision_and_the_head_and_changes_nothing(
        make: Make, state: str, capfd: pytest.CaptureFixture[str]) -> None:
    url = make(state)
    before = _snapshot(url)
    assert _db("current", "--db", url, "--format", "json") == 0
    said = json.loads(capfd.readouterr().out)
    revision = {"current": HEAD_REVISION, "behind": BEHIND, "ahead": "9999"}.get(state)
    assert (said["revision"], said["head"], said["state"]) == (revision, HEAD_REVISION, state)
    assert _db("current", "--db", url) == 0
    lines = capfd.readouterr().out.splitlines()
    assert lines[1].startswith(f"revision  {revision or 'none'} (")
    assert lines[2] == f"head      {HEAD_REVISION}"
    assert _snapshot(url) == before


@pytest.mark.parametrize(("state", "reason"), [
    ("behind", f"is at revision {BEHIND}, behind this release's {HEAD_REVISION}: run statewright db upgrade"),
    ("ahead", f"is at revision 9999, past this release's {HEAD_REVISION}: a newer release upgraded it"),
    ("empty", "is empty, not a Statewright database yet: statewright db upgrade makes its schema"),
    ("foreign", "is not a Statewright database: it has 1 table(s) but no Statewright revision"),
])
def test_check_refuses_a_database_not_at_the_head_in_one_line(
        make: Make, state: str, reason: str, capfd: pytest.CaptureFixture[str]) -> None:
    url = make(state)
    before = _snapshot(url)
    assert _db("check", "--db", url) == 1
    said = capfd.readouterr()
    assert said.out == ""
    (line,) = said.err.strip().splitlines()
    assert line.startswith("error: ")
    assert reason in line
    assert _snapshot(url) == before  # a database behind is not upgraded by being checked


def test_check_passes_at_the_head_and_after_an_upgrade(make: Make, capfd: pytest.CaptureFixture[str]) -> None:
    assert _db("check", "--db", make("current")) == 0
    assert "this release's head" in capfd.readouterr().out
    behind = make("behind")
    assert _db("check", "--db", behind) == 1
    assert _db("upgrade", "--db", behind) == 0
    assert _db("check", "--db", behind) == 0


def test_another_applications_alembic_history_is_not_taken_for_a_newer_release(
        make: Make, capfd: pytest.CaptureFixture[str]) -> None:
    url = make("ahead")
    engine = create_database_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ae1027a6acf'")
    engine.dispose()
    assert _db("check", "--db", url) == 1
    assert "names revision ae1027a6acf, which no Statewright migration has" in capfd.readouterr().err


@pytest.mark.parametrize("command", ["current", "check"])
def test_a_database_that_cannot_be_read_is_one_line_and_nothing_is_made(
        command: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "typo.db"
    assert _db(command, "--db", f"sqlite:///{missing}") == 1
    assert "there is no such file" in capfd.readouterr().err
    assert not missing.exists()
    notes = tmp_path / "notes.db"
    notes.write_text("these are my notes, not a database " * 200)
    assert _db(command, "--db", f"sqlite:///{notes}") == 1
    said = capfd.readouterr().err.strip()
    assert said == f"error: cannot read the database sqlite:///{notes}: file is not a database"
    assert _db(command, "--db", "postgresql+psycopg://postgres:secret@127.0.0.1:1/test") == 1
    printed = capfd.readouterr()
    (line,) = printed.err.strip().splitlines()
    assert line.startswith("error: cannot read the database postgresql+psycopg://postgres:***@127.0.0.1:1/test: ")
    assert "Connection refused" in line
    assert "secret" not in printed.err + printed.out


def test_a_url_statewright_cannot_use_is_a_wrong_command_line(capfd: pytest.CaptureFixture[str]) -> None:
    assert _db("check", "--db", "mysql://root@127.0.0.1/app") == 2
    assert capfd.readouterr().err.strip() == "error: unsupported database 'mysql': use sqlite:/// or postgresql+psycopg://"
