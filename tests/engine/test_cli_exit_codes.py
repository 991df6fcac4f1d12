"""Exit codes a script can chain on. `export asl … --allow-loss` wrote its file, said "✓ wrote", and exited 1,
which stopped a `&&` chain after a write the user had allowed; `run --handlers x:y --executor rules` exited 1
where every other pair of options that do not go together is a wrong command line, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from definitions import WORKFLOWS_DIR
from engine.cli.app import build_app

STATEWRIGHT = str(Path(sys.executable).with_name("statewright"))
TRIAGE = WORKFLOWS_DIR / "support_ticket_triage.json"


def test_an_export_that_allowed_the_loss_exits_0_and_a_chain_goes_on(tmp_path: Path) -> None:
    out = tmp_path / "triage.asl.json"
    done = subprocess.run(
        ["sh", "-c", f'"{STATEWRIGHT}" export asl "{TRIAGE}" -o "{out}" --allow-loss && echo chained'],
        capture_output=True, text=True, timeout=120, check=False, env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert f"wrote {out}" in done.stdout
    assert "cannot be expressed in ASL" in done.stdout  # what was lost is still said
    assert done.stdout.rstrip().endswith("chained")
    assert json.loads(out.read_text(encoding="utf-8"))["StartAt"]


def test_an_export_that_would_lose_something_without_the_flag_still_exits_1(tmp_path: Path) -> None:
    out = tmp_path / "triage.asl.json"
    done = CliRunner().invoke(build_app("export"), ["export", "asl", str(TRIAGE), "-o", str(out)])
    assert done.exit_code == 1, done.output
    assert not out.exists()


def _cli(*args: str) -> Any:
    return CliRunner().invoke(build_app(args[0]), list(args), env={"COLUMNS": "200"})


@pytest.mark.parametrize("command", ["run", "validate", "eval"])
def test_handlers_and_an_executor_together_are_a_wrong_command_line(command: str, tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    extra = {"run": ["--example", "password_reset_is_deflected"],
             "validate": [],
             "eval": ["--cases", str(WORKFLOWS_DIR.parent / "evals" / "support_ticket_triage.jsonl")]}[command]
    done = _cli(command, str(TRIAGE), *extra, "--handlers", "tests.no_such:register", "--executor", "rules",
                "--db", f"sqlite:///{db}")
    assert done.exit_code == 2, done.output
    assert "give --handlers or --executor, not both" in done.output
    assert not db.exists()  # refused before the database was opened
