"""QA: `statewright instances` on a SQLite file copied with `cp` while it was written (damaged: "database disk
image is malformed") ended in a 62-line traceback; the README promises one line saying which database and why."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from engine import Engine

FLOW = {"id": "note", "title": "Note", "initial": "done", "states": {"done": {"type": "final"}}, "transitions": []}


def test_a_damaged_database_is_said_in_one_line_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    with Engine(f"sqlite:///{path}") as engine:
        engine.deploy(FLOW)
        for _ in range(2000):
            engine.start("note", {"pad": "x" * 200})
    data = bytearray(path.read_bytes())
    for offset in range(len(data) // 4, len(data) - 700, 4096 * 7):  # scribble over pages, as a torn copy would
        data[offset + 100:offset + 700] = b"\x07" * 600
    path.write_bytes(bytes(data))
    done = subprocess.run([sys.executable, "-m", "engine.cli", "instances", "--db", f"sqlite:///{path}"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert str(path) in done.stderr
    assert "malformed" in done.stderr
