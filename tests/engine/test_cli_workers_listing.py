"""`statewright workers` lists the database's live workers — owner, host, pid, started, last seen, actions — as a
table or with `--format json`; a worker not seen within its lease is not among them."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli import output
from engine.cli.app import build_app
from engine.runtime.engine import Engine
from storage.workers import WorkerRecord, WorkerStore


@pytest.fixture(autouse=True)
def _wide_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as a wide terminal shows them, whichever test made the console first (it reads COLUMNS once)."""
    monkeypatch.setattr(output.stdout, "_width", 300)


def _listed(*args: str) -> str:
    done = CliRunner().invoke(build_app("workers"), ["workers", *args], env={"COLUMNS": "250"})
    assert done.exit_code == 0, done.output
    return done.output


def _advertise(database_url: str, *rows: WorkerRecord) -> None:
    with Engine(database_url) as engine:
        for row in rows:
            engine.runtime.write(lambda tx, row=row: WorkerStore(tx).announce(row))


def test_the_live_workers_are_listed_with_their_actions(database_url: str) -> None:
    now = time.time()
    _advertise(database_url,
               WorkerRecord("app-box:311:9f2c01ab", "app-box", 311, now - 120, now - 1, 6.0, ("bill", "ship")),
               WorkerRecord("web-box:77:11aa22bb", "web-box", 77, now - 600, now, 6.0, ()),
               WorkerRecord("dead-box:5:deadbeef", "dead-box", 5, now - 900, now - 300, 6.0, ("bill",)))

    rows: list[dict[str, Any]] = json.loads(_listed("--db", database_url, "--format", "json"))

    assert [(r["owner"], r["host"], r["pid"], r["actions"]) for r in rows] == [
        ("web-box:77:11aa22bb", "web-box", 77, []), ("app-box:311:9f2c01ab", "app-box", 311, ["bill", "ship"])]
    assert all(r["started_at"].endswith("Z") and r["last_seen"].endswith("Z") for r in rows)
    table = _listed("--db", database_url)
    for text in ("owner", "last seen", "app-box:311:9f2c01ab", "bill, ship", "web-box:77:11aa22bb", "311"):
        assert text in table
    assert "dead-box" not in table


def test_no_live_worker_is_said_so(database_url: str) -> None:
    assert "no live worker" in _listed("--db", database_url)
    assert json.loads(_listed("--db", database_url, "--format", "json")) == []
