"""QA: an application logging at INFO got Alembic's chatter ("Context impl SQLiteImpl.", "Will assume
non-transactional DDL.", a line per migration) every time an `Engine` opened a database, even one already up to date.
Alembic's INFO lines are now kept out while the engine checks and upgrades its own schema; a real upgrade says in one
line of the engine's own what it did. `upgrade()` called for itself (`statewright db upgrade`) logs as before."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from engine import Engine
from storage.alembic_logs import quiet_alembic
from storage.database import create_database_engine
from storage.schema import head_revision, upgrade


def _said(caplog: pytest.LogCaptureFixture) -> list[tuple[str, int, str]]:
    return [(r.name, r.levelno, r.getMessage()) for r in caplog.records
            if r.name.startswith(("alembic", "statewright.storage"))]


def test_a_new_database_is_made_in_one_line_of_the_engines_own(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    with caplog.at_level(logging.INFO):
        Engine(url).close()
    assert _said(caplog) == [("statewright.storage", logging.INFO,
                              f"made the schema of the database {url}, at revision {head_revision()}")]
    caplog.clear()
    with caplog.at_level(logging.DEBUG):  # opened again, up to date: nothing at all
        Engine(url).close()
    assert _said(caplog) == []


def test_an_upgrade_says_from_which_revision_to_which(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'older.db'}"
    database = create_database_engine(url)
    upgrade(database, "0016")  # an older release's schema
    database.dispose()
    caplog.clear()  # what making it logged (at INFO when an earlier test left the root logger there) is not the point
    with caplog.at_level(logging.INFO):
        Engine(url).close()
    assert _said(caplog) == [("statewright.storage", logging.INFO,
                              f"upgraded the database {url} from revision 0016 to {head_revision()}")]


def test_alembic_logs_as_before_outside_the_engines_check(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with quiet_alembic():  # the filters are on Alembic's loggers from now on, quiet only within such a block
        pass
    database = create_database_engine(f"sqlite:///{tmp_path / 'by_hand.db'}")
    with caplog.at_level(logging.INFO):
        upgrade(database)
    database.dispose()
    said = [message for name, _, message in _said(caplog) if name.startswith("alembic")]
    assert any(message.startswith("Running upgrade") for message in said), said
