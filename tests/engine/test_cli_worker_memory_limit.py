"""`statewright worker --max-memory-mb`: a handler that leaks grows its worker past the limit; the worker then
stops taking work, lets what it runs finish and commit, says so, and exits with code 4 for its process manager to
start a fresh one — which finishes the rest. Without the limit the worker grew until the kernel killed it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from engine.cli.output import ExitCode
from engine.runtime.engine import Engine

ROOT = Path(__file__).resolve().parents[2]
FLOW: dict[str, Any] = {
    "id": "hoarding", "title": "Hoarding", "initial": "hoard",
    "states": {"hoard": {"type": "task", "action": "hoard"}, "done": {"type": "final"}},
    "transitions": [{"source": "hoard", "trigger": "done", "dest": "done"}],
}
# 40 MiB kept for good by each call: a cache that only grows
LEAKY = '''
import time
KEPT = []

def hoard(request):
    KEPT.append(bytearray(40 * 2**20))
    time.sleep(0.2)
    return {"kept": len(KEPT)}

def register(registry):
    registry.register("hoard", hoard)
'''


def _worker(database: str, tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "engine.cli", "worker", "--db", database, "--handlers", "leaky:register",
         "--poll", "0.2", "--batch", "1", *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "COLUMNS": "200", "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"})


def test_a_worker_past_its_memory_limit_finishes_what_it_runs_and_exits_for_a_fresh_one(tmp_path: Path) -> None:
    (tmp_path / "leaky.py").write_text(LEAKY)
    database = f"sqlite:///{tmp_path / 'w.db'}"
    with Engine(database) as engine:
        engine.deploy(FLOW)
        ids = [engine.start("hoarding", {}).id for _ in range(12)]
    first = _worker(database, tmp_path, "--max-memory-mb", "250")
    try:
        _, said = first.communicate(timeout=120)
    finally:
        first.kill()
    assert first.returncode == ExitCode.RESTART, said
    assert "over its --max-memory-mb 250" in said
    assert f"exits with code {int(ExitCode.RESTART)}" in said
    assert "Traceback" not in said
    with Engine(database) as engine:
        views = [engine.get(i) for i in ids]
        done = [v for v in views if v.status == "succeeded"]
        assert 0 < len(done) < len(ids)  # it stopped part way, and what it ran is committed
        assert all(v.status in ("running", "succeeded") for v in views)
        attempts = [e for i in ids for e in engine.history(i) if e.event == "done"]
        assert len(attempts) == len(done)  # nothing half-done: each action it ran ended in its transition
    second = _worker(database, tmp_path)  # the fresh one its process manager starts: no limit, the rest runs
    try:
        deadline = time.monotonic() + 120
        with Engine(database) as engine:
            while time.monotonic() < deadline and not all(engine.get(i).ended for i in ids):
                time.sleep(0.2)
            assert [engine.get(i).status for i in ids] == ["succeeded"] * len(ids)
    finally:
        second.terminate()
        second.communicate(timeout=60)
