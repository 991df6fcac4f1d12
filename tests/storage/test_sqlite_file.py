"""The SQLite file under a database: a write that need not wait is skipped while another connection holds the
write lock; a file deleted or replaced under an open engine is noticed; the driver's "attempt to write a readonly
database" is said as which file or folder cannot be written — unless the URL asked for a read-only database."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.database import create_database_engine, writing_if_free
from storage.sqlite_file import file_replaced, read_only_uri, unwritable_reason


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[tuple[sa.Engine, Path]]:
    path = tmp_path / "a.db"
    engine = create_database_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    yield engine, path
    engine.dispose()


def test_a_write_that_need_not_wait_is_skipped_while_the_writer_is_busy(opened: tuple[sa.Engine, Path]) -> None:
    engine, path = opened
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        with writing_if_free(engine) as connection:
            assert connection is None
        other.execute("ROLLBACK")
    with writing_if_free(engine) as connection:
        assert connection is not None
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
    with closing(sqlite3.connect(path)) as check:
        assert check.execute("SELECT n FROM t").fetchall() == [(1,)]


def test_the_file_in_place_is_not_replaced(opened: tuple[sa.Engine, Path]) -> None:
    assert file_replaced(opened[0]) is None


def test_a_file_deleted_under_the_engine_is_noticed(opened: tuple[sa.Engine, Path]) -> None:
    engine, path = opened
    path.unlink()
    found = file_replaced(engine)
    assert found is not None
    assert found.startswith(f"the database file {path} was deleted while this process had it open")


def test_a_file_replaced_under_the_engine_is_noticed(opened: tuple[sa.Engine, Path], tmp_path: Path) -> None:
    engine, path = opened
    shutil.copyfile(path, tmp_path / "copy.db")
    (tmp_path / "copy.db").replace(path)  # a backup restored with mv: same path, another file
    found = file_replaced(engine)
    assert found is not None
    assert found.startswith(f"the database file {path} was replaced by another file")


def test_an_engine_that_opened_nothing_yet_has_nothing_replaced(tmp_path: Path) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'never.db'}")
    assert file_replaced(engine) is None


def test_a_file_in_a_writable_folder_is_opened_as_usual(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    path.touch()
    if os.access(tmp_path, os.W_OK):
        assert read_only_uri(str(path)) is None
    assert read_only_uri(f"file:{path}?mode=ro") is None  # a URI is opened as it says


def _readonly_error() -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("attempt to write a readonly database")
    error.sqlite_errorcode = sqlite3.SQLITE_READONLY
    error.sqlite_errorname = "SQLITE_READONLY"
    return error


def test_a_read_only_url_keeps_the_drivers_words(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    engine = create_database_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert unwritable_reason(engine, _readonly_error()) is None


def test_a_folder_that_cannot_take_the_wal_is_named(tmp_path: Path) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'a.db'}")
    error = _readonly_error()
    error.sqlite_errorcode = 1544  # SQLITE_READONLY_DIRECTORY
    assert unwritable_reason(engine, error) == (
        f"the folder {tmp_path} of the database is not writable by this user: SQLite makes the database's -wal "
        "and -shm files there")
    assert unwritable_reason(engine, sqlite3.OperationalError("database is locked")) is None
