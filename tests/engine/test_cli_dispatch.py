"""The console script loads only the command group a command line needs, and each command still runs as itself
(a group of one command must not become the whole program)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli.app import FILE_COMMANDS

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "statewright"
FLOW = ROOT / "definitions" / "workflows" / "support_ticket_triage.json"


@pytest.mark.parametrize("command", sorted(FILE_COMMANDS - {"schema", "import", "export"}))
def test_each_file_command_runs_as_itself(command: str, tmp_path: Path) -> None:
    out = tmp_path / ("out.py" if command == "testgen" else "out.html" if command == "review" else "out.svg")
    argv = [str(SCRIPT), command, str(FLOW)] + (["-o", str(out)] if command in ("render", "review", "testgen") else [])
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=tmp_path, check=False)
    assert "unexpected extra argument" not in done.stderr
    assert done.returncode == 0, done.stderr


def test_a_file_command_loads_neither_the_designer_nor_the_runtime() -> None:
    probe = ("import sys; from designer.cli import build_cli; build_cli('validate'); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('litestar', 'agents') "
             "or m in ('engine.runtime.engine', 'sqlalchemy.orm')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"
