"""Counts and intervals that must be positive, refused on the command line (exit 2) before anything starts:
`statewright worker --batch 0` (or -1) was accepted and the worker ran forever claiming no job, `--poll 0` looked
for work without pause; `migrate --from 0` looked for a version 0; `prices set --prompt -1` (or nan) reached the
engine and exited 1 as if the database had refused it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

STATEWRIGHT = str(Path(sys.executable).with_name("statewright"))


@pytest.mark.parametrize(("arguments", "said"), [
    (["worker", "--batch", "0"], "Invalid value for '--batch'"),
    (["worker", "--batch", "-1"], "Invalid value for '--batch'"),
    (["worker", "--poll", "0"], "Invalid value for '--poll'"),
    (["worker", "--poll", "-1"], "Invalid value for '--poll'"),
    (["worker", "--poll", "nan"], "Invalid value for '--poll'"),
    (["migrate", "flow", "--from", "0", "--to", "2"], "Invalid value for '--from'"),
    (["migrate", "flow", "--from", "1", "--to", "-2"], "Invalid value for '--to'"),
    (["prices", "set", "m", "--prompt", "-1", "--completion", "1"], "Invalid value for '--prompt'"),
    (["prices", "set", "m", "--prompt", "1", "--completion", "nan"], "Invalid value for '--completion'"),
])
def test_a_count_or_interval_that_cannot_be_is_a_wrong_command_line(tmp_path: Path, arguments: list[str],
                                                                   said: str) -> None:
    db = tmp_path / "w.db"
    try:  # the worker that took --batch 0 ran until stopped: a timeout is the old behaviour
        done = subprocess.run([STATEWRIGHT, *arguments, "--db", f"sqlite:///{db}"], capture_output=True, text=True,
                              cwd=tmp_path, timeout=30, check=False, env={"COLUMNS": "200", "PATH": ""})
    except subprocess.TimeoutExpired:
        pytest.fail(f"`statewright {' '.join(arguments)}` was accepted and ran on")
    assert done.returncode == 2, done.stdout + done.stderr
    assert said in done.stderr
    assert not db.exists()  # refused before a database was opened
