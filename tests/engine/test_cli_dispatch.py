"""The console script loads only the command group a command line needs, and each command still runs as itself
(a group of one command must not become the whole program)."""

from __future__ import annotations

import os
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


@pytest.mark.parametrize("command", ["validate", "analyze", "render"])
def test_a_command_on_one_file_never_imports_the_database_the_web_server_or_the_runtime(
        command: str, tmp_path: Path) -> None:
    """A pre-commit hook runs `statewright validate FILE` on every commit: running it (not only building the
    command line) must not import SQLAlchemy, Litestar or the runtime engine, nor may analyze or render."""
    argv = [command, str(FLOW)] + (["-o", str(tmp_path / "flow.svg")] if command == "render" else [])
    probe = ("import sys; from designer.cli import main; code = main(sys.argv[1:]); "
             "print(code, sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'litestar') "
             "or m == 'engine.runtime.engine'))")
    done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True,
                          cwd=ROOT)
    assert done.stdout.strip().splitlines()[-1] == "0 []"


def test_python_m_engine_cli_also_loads_only_the_command_s_group() -> None:
    probe = ("import runpy, sys\n"
             "try:\n    runpy.run_module('engine.cli', run_name='__main__')\n"
             "except SystemExit as done:\n"
             "    print(done.code, sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'litestar') "
             "or m == 'engine.runtime.engine'))")
    done = subprocess.run([sys.executable, "-c", probe, "validate", str(FLOW)], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip().splitlines()[-1] == "0 []"


@pytest.mark.parametrize("command", ["history", "instances", "show", "run", "worker"])
def test_an_engine_command_loads_neither_the_web_server_nor_the_sandbox(command: str) -> None:
    """An operator's `statewright history ID` spent about half its CPU importing Litestar, the designer's server
    and the agent system's sandbox commands, none of which it uses."""
    probe = (f"import sys; from designer.cli import build_cli; app = build_cli({command!r}); "
             "print([c.name for c in app.registered_commands], sorted(m for m in sys.modules "
             "if m.split('.')[0] == 'litestar' or m in ('designer._serve', 'designer._users_cli', "
             "'agents.sandbox_cli')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == f"['{command}'] []"


@pytest.mark.parametrize("command", ["serve", "users", "sandbox"])
def test_the_designer_and_sandbox_commands_are_still_there(command: str) -> None:
    done = subprocess.run([str(SCRIPT), command, "--help"], capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "Usage: statewright " + command in done.stdout.replace("  ", " ")


def test_a_commands_help_needs_only_that_command_and_the_programs_help_lists_them_all() -> None:
    probe = ("import sys; from designer.cli import main; main(['history', '--help']); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'litestar'))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT,
                          env={**os.environ, "COLUMNS": "200"})
    assert "history [OPTIONS] {instance_id}" in " ".join(done.stdout.split())
    assert done.stdout.strip().splitlines()[-1] == "[]"
    listed = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True, timeout=300, check=True,
                            env={**os.environ, "COLUMNS": "200"}).stdout
    for command in ("history", "validate", "serve", "users", "sandbox"):
        assert f" {command} " in listed, listed
