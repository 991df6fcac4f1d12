"""Every command that opens a database says in one line why it cannot use one — a folder that does not exist, a
file that is not a database, a PostgreSQL server that does not answer, a database a newer release upgraded, a
database it may read but not write — and exits 1, never with a traceback. Run through the console script's own
entry point (`designer.cli.main`), as a user runs it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from designer.app import build_services
from designer.cli import main
from designer.settings import Settings
from engine.runtime.engine import Engine
from storage.schema import head_revision

ROOT = Path(__file__).resolve().parents[2]
LEAD = ROOT / "definitions" / "workflows" / "lead_qualification.json"
TRIAGE = ROOT / "definitions" / "workflows" / "support_ticket_triage.json"
TRIAGE_CASES = ROOT / "definitions" / "evals" / "support_ticket_triage.jsonl"

# Commands that open the database first thing (serve never gets as far as listening).
OPENING = {
    "serve": ["serve", "--port", "0"],
    "users list": ["users", "list"],
    "users add": ["users", "add", "bob", "--role", "viewer", "--password", "a long enough password"],
    "eval": ["eval", str(TRIAGE), "--cases", str(TRIAGE_CASES)],
    "instances": ["instances"],
    "deploy": ["deploy", str(LEAD)],
}


def _unusable(kind: str, tmp_path: Path) -> tuple[str, str]:
    """A database URL of `kind` and what the error line must say."""
    if kind == "missing folder":
        missing = tmp_path / "no" / "such"
        return f"sqlite:///{missing / 'folder.db'}", f"the folder {missing} does not exist"
    if kind == "not a database":
        path = tmp_path / "notes.db"
        path.write_text("these are my notes, not a database " * 200)
        return f"sqlite:///{path}", "file is not a database"
    if kind == "newer release":
        path = tmp_path / "newer.db"
        Engine(f"sqlite:///{path}").close()
        with sqlite3.connect(path) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '9999'")
        newest = head_revision()
        return f"sqlite:///{path}", f"revision 9999, which this Statewright does not know (its newest is {newest})"
    return "postgresql+psycopg://postgres:secret@127.0.0.1:1/test", "Connection refused"


@pytest.mark.parametrize("kind", ["missing folder", "not a database", "newer release", "postgresql down"])
@pytest.mark.parametrize("command", sorted(OPENING))
def test_a_database_that_cannot_be_opened_is_one_line(kind: str, command: str, tmp_path: Path,
                                                      capfd: pytest.CaptureFixture[str]) -> None:
    url, reason = _unusable(kind, tmp_path)
    assert main([*OPENING[command], "--db", url]) == 1
    said = capfd.readouterr()
    lines = said.err.strip().splitlines()
    assert len(lines) == 1, said.err
    assert lines[0].startswith("error: cannot open the database ")
    assert reason in lines[0]
    assert "secret" not in said.err + said.out  # a password in the URL is never printed


@pytest.fixture
def read_only_url(tmp_path: Path) -> str:
    """A Statewright database opened read-only, as a file owned by the service's account is to an operator."""
    path = tmp_path / "service.db"
    Engine(f"sqlite:///{path}").close()
    return f"sqlite:///file:{path}?mode=ro&uri=true"


@pytest.mark.parametrize("command", [
    ["deploy", str(ROOT / "definitions")],
    ["run", str(LEAD), "--example", "vp_at_acme_books_meeting"],
    ["users", "add", "bob", "--role", "viewer", "--password", "a long enough password"],
])
def test_a_database_that_cannot_be_written_is_one_line(command: list[str], read_only_url: str,
                                                       capfd: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--db", read_only_url]) == 1
    lines = capfd.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    assert "attempt to write a readonly database" in lines[0]


@pytest.mark.parametrize(("url", "reason"), [
    ("postgresql+psycopg2://postgres:secret@127.0.0.1:1/test", "unsupported PostgreSQL driver 'psycopg2': use "
                                                               "postgresql+psycopg://"),
    ("postgres ql:secret//127.0.0.1", "the database URL cannot be read: give sqlite:///PATH or "
                                      "postgresql+psycopg://USER@HOST/DATABASE"),
])
@pytest.mark.parametrize("command", sorted(OPENING))
def test_a_url_statewright_cannot_use_is_one_line(url: str, reason: str, command: str,
                                                   capfd: pytest.CaptureFixture[str]) -> None:
    assert main([*OPENING[command], "--db", url]) == 2
    said = capfd.readouterr()
    assert said.err.strip().splitlines() == [f"error: {reason}"]
    assert "secret" not in said.err + said.out


def test_db_upgrade_names_the_database_without_its_password(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    url, reason = _unusable("newer release", tmp_path)
    assert main(["db", "upgrade", "--db", url]) == 1
    assert capfd.readouterr().err.strip() == f"error: cannot upgrade {url}: the database is at {reason}: a newer " \
                                             "release upgraded it; run that release"
    assert main(["db", "upgrade", "--db", "postgresql+psycopg://postgres:secret@127.0.0.1:1/test"]) == 1
    said = capfd.readouterr().err
    assert said.startswith("error: cannot upgrade postgresql+psycopg://postgres:***@127.0.0.1:1/test: ")
    assert "Connection refused" in said


@pytest.fixture
def served_before(tmp_path: Path) -> Path:
    """A database the designer has run on: its tables made, the sandbox the shipped handlers use seeded (so
    `serve` reads it and writes nothing before its start-up)."""
    path = tmp_path / "served.db"
    build_services(Settings(database_url=f"sqlite:///{path}", workers=0)).close()
    return path


def _read_only(path: Path) -> tuple[str, str]:
    return f"sqlite:///file:{path}?mode=ro&uri=true", "attempt to write a readonly database"


def _sessions_table_gone(path: Path) -> tuple[str, str]:
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE user_sessions RENAME TO user_sessions_gone")
    return f"sqlite:///{path}", "no such table: user_sessions"


@pytest.mark.parametrize("unusable", [_read_only, _sessions_table_gone], ids=["read-only", "a table gone"])
def test_serve_on_a_database_it_cannot_write_to_is_one_line(unusable: Callable[[Path], tuple[str, str]],
                                                            served_before: Path) -> None:
    """Run as a user runs it, in a process of its own: the start-up's first write used to fail inside uvicorn's
    lifespan, which printed its traceback and exited 3."""
    url, reason = unusable(served_before)
    done = subprocess.run([Path(sys.executable).with_name("statewright"), "serve", "--port", "0", "--db", url],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "COLUMNS": "300", "NO_COLOR": "1"})
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines() == [f"error: cannot write to the database {url}: {reason}"]
    assert "Traceback" not in done.stdout
