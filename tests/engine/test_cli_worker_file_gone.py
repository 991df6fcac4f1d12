"""A worker whose SQLite file is deleted under it stops, saying so, with exit code 1: an outside run saw one run
1,131 more steps into a deleted file, all of them lost, with nothing said."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from engine.runtime.engine import Engine

ROOT = Path(__file__).resolve().parents[2]


def test_a_worker_whose_database_file_is_deleted_stops_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "gone.db"
    with Engine(f"sqlite:///{path}"):
        pass  # the schema in place
    worker = subprocess.Popen(
        [sys.executable, "-m", "engine.cli", "worker", "--db", f"sqlite:///{path}", "--poll", "0.2"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "COLUMNS": "200"})
    try:
        deadline = time.monotonic() + 30
        while not path.with_name("gone.db-wal").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # the worker has the file open and polls it
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        _, errors = worker.communicate(timeout=30)
    finally:
        worker.kill()
    assert worker.returncode == 1, errors
    assert f"the database file {path} was deleted while this process had it open" in errors
    assert "Traceback" not in errors
