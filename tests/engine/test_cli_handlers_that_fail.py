"""`--handlers module:function` that fails other than by a ValueError: `--handlers os:getcwd` (a function that
takes no engine) ended in a TypeError traceback, a module that raises as it is imported in its traceback, one whose
function calls sys.exit left with that code and not a word. Now each is one line naming the handlers and the
exception — its type, its message and, when it is in your code, its file and line — and exit 2 (the command line
named them), on every command that loads handlers; the exception stays the error's `__cause__` for a program
that loads them itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from engine.runtime.handler_loading import UnloadableHandlers, load_handlers

STATEWRIGHT = str(Path(sys.executable).with_name("statewright"))
FLOW: dict[str, Any] = {"id": "flow", "title": "Flow", "initial": "pause",
                        "states": {"pause": {"type": "wait", "duration": "PT1S"}, "ok": {"type": "final"}},
                        "transitions": [{"source": "pause", "trigger": "done", "dest": "ok"}]}
MODULES = {
    "raises_on_import.py": 'raise RuntimeError("boom at import")\n',
    "exits.py": "import sys\n\n\ndef register(engine):\n    sys.exit(5)\n",
    "wrong_value.py": 'def register(engine):\n    raise ValueError("boom in register")\n',
    "broken_syntax.py": "def register(engine:\n",
}
SAID = {
    "os:getcwd": "error: cannot load the handlers 'os:getcwd': getcwd(engine) raised TypeError: posix.getcwd() takes "
                 "no arguments (1 given)",
    "raises_on_import:register": "error: cannot load the handlers 'raises_on_import:register': importing "
                                 "'raises_on_import' raised RuntimeError: boom at import (raises_on_import.py, line 1)",
    "exits:register": "error: cannot load the handlers 'exits:register': register(engine) raised SystemExit (it called "
                      "sys.exit(5))",
    "wrong_value:register": "error: cannot load the handlers 'wrong_value:register': boom in register",
    "broken_syntax:register": "error: cannot load the handlers 'broken_syntax:register': importing 'broken_syntax' "
                              "raised SyntaxError: '(' was never closed (broken_syntax.py, line 1)",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "flow.json").write_text(json.dumps(FLOW), encoding="utf-8")
    (tmp_path / "cases.jsonl").write_text('{"name": "one", "context": {}}\n', encoding="utf-8")
    for name, text in MODULES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _statewright(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([STATEWRIGHT, *args], cwd=folder, capture_output=True, text=True, timeout=120,
                          check=False, env={**env, "COLUMNS": "400", "NO_COLOR": "1"})


@pytest.mark.parametrize("spec", list(SAID))
def test_handlers_that_fail_to_load_are_one_line_and_exit_2(folder: Path, spec: str) -> None:
    done = _statewright(folder, "run", "flow.json", "--handlers", spec, "--db", "sqlite:///r.db")
    assert done.returncode == 2, done.stderr
    assert done.stderr == SAID[spec] + "\n"
    assert done.stdout == ""


@pytest.mark.parametrize("command", [
    ["validate", "flow.json"],
    ["worker", "--db", "sqlite:///w.db"],
    ["eval", "flow.json", "--cases", "cases.jsonl"],
])
def test_every_command_that_loads_handlers_says_it_alike(folder: Path, command: list[str]) -> None:
    done = _statewright(folder, *command, "--handlers", "raises_on_import:register")
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[-1] == SAID["raises_on_import:register"]
    assert "Traceback" not in done.stderr


def test_a_program_loading_them_gets_the_exception_as_the_cause(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    engine = SimpleNamespace(register=lambda name, handler: None)
    with pytest.raises(UnloadableHandlers) as raised:
        load_handlers("os:getcwd", engine)
    assert isinstance(raised.value.__cause__, TypeError)
    try:
        with pytest.raises(UnloadableHandlers) as imported:
            load_handlers("raises_on_import:register", engine)
    finally:
        sys.modules.pop("raises_on_import", None)
    assert isinstance(imported.value.__cause__, RuntimeError)
