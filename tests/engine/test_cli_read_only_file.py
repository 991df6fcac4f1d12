"""A database file this user may only read, in a folder it cannot write (an operator reading the service's
database): read-only commands answer, as no migration is due; a command that writes says in one line which file
cannot be written. Run in a process of its own without those rights — as root, root without the capabilities
that let it write anything (`setpriv --bounding-set`), so that the checkout, wherever it is, stays readable to it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from must_run import unavailable

from engine.runtime.engine import Engine

WORKFLOW: dict[str, Any] = {
    "id": "chain", "title": "One step", "initial": "a",
    "states": {"a": {"type": "task", "action": "step"}, "done": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "a", "trigger": "done", "dest": "done"}],
}


@pytest.fixture
def read_only(sqlite_template: Path) -> Iterator[tuple[Path, str]]:
    """A database with one instance, readable but not writable, nor its folder; no -wal or -shm file beside it
    (no process has it open). The instance's id with it."""
    folder = Path(tempfile.mkdtemp(prefix="statewright-ro-"))
    path = folder / "service.db"
    shutil.copyfile(sqlite_template, path)
    with Engine(f"sqlite:///{path}") as engine:
        engine.deploy(WORKFLOW)
        instance_id = engine.start("chain").id
    assert not Path(f"{path}-wal").exists()
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield path, instance_id
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def _run(path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    demote: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            unavailable("run as root without setpriv: no way to run without the rights to write the file")
        # root without the capabilities that let it write what it may not: still the owner of the checkout (a
        # fresh clone in a private temporary folder stays readable), but held to the file's and folder's modes
        demote = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]
    return subprocess.run(
        [*demote, str(Path(sys.executable).with_name("statewright")), *arguments, "--db", f"sqlite:///{path}"],
        capture_output=True, text=True, timeout=120, check=False, cwd=path.parent,
        env={**os.environ, "HOME": str(path.parent), "COLUMNS": "300", "NO_COLOR": "1"})


@pytest.mark.parametrize("command", ["instances", "show", "history"])
def test_a_read_only_command_reads_a_file_it_may_only_read(read_only: tuple[Path, str], command: str) -> None:
    path, instance_id = read_only
    done = _run(path, *([command] if command == "instances" else [command, instance_id]), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert instance_id in done.stdout
    json.loads(done.stdout)
    assert not Path(f"{path}-wal").exists()  # nothing written beside it either


def test_a_command_that_writes_names_the_file_it_cannot_write(read_only: tuple[Path, str]) -> None:
    path, _ = read_only
    definition = path.parent / "chain.json"
    folder_mode = path.parent.stat().st_mode
    path.parent.chmod(0o755)
    definition.write_text(json.dumps({**WORKFLOW, "id": "another"}), encoding="utf-8")
    path.parent.chmod(folder_mode)
    done = _run(path, "deploy", str(definition))
    assert done.returncode == 1, done.stdout
    assert done.stderr.strip().splitlines() == [
        f"error: the database file {path} is not writable by this user (it can only be read)"]
