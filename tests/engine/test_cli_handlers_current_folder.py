"""`--handlers module:function` with the module a file in the current folder: `statewright` (a console script,
whose `sys.path` starts at its own bin folder) said "no module named 'myhandlers'" unless PYTHONPATH=. was set,
where `python -m` and pytest users expect the current folder to be importable. Now it is — last on the path, so
that it never shadows an installed package; a module that is really missing still says so, and where it must be."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from engine.errors import InvalidInput
from engine.runtime.handler_loading import load_handlers

SCRIPT = Path(sys.executable).parent / "statewright"
FLOW: dict[str, Any] = {
    "id": "tasked", "title": "Tasked", "initial": "work",
    "states": {"work": {"type": "task", "action": "do_work", "output": "out"}, "ok": {"type": "final"},
               "failed": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "work", "trigger": "done", "dest": "ok"},
                    {"source": "work", "trigger": "error", "dest": "failed"}],
}
HANDLERS = 'def register(engine):\n    engine.register("do_work", lambda request: {"n": 7})\n'


def _statewright(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # as a user types it: no PYTHONPATH=.
    return subprocess.run([str(SCRIPT), *args], cwd=folder, capture_output=True, text=True, timeout=300,
                          check=False, env={**env, "COLUMNS": "400", "NO_COLOR": "1"})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "tasked.json").write_text(json.dumps(FLOW), encoding="utf-8")
    (tmp_path / "myhandlers.py").write_text(HANDLERS, encoding="utf-8")
    return tmp_path


def test_handlers_in_the_current_folder_are_found_by_run_and_validate(folder: Path) -> None:
    ran = _statewright(folder, "run", "tasked.json", "--handlers", "myhandlers:register", "--db", "sqlite:///r.db",
                       "--format", "json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["instance"]["context"]["out"] == {"n": 7}

    checked = _statewright(folder, "validate", "tasked.json", "--handlers", "myhandlers:register")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "unknown-action" not in checked.stdout


def test_a_missing_handlers_module_says_where_it_must_be(folder: Path) -> None:
    done = _statewright(folder, "validate", "tasked.json", "--handlers", "nohandlers:register")
    assert done.returncode == 2
    said = " ".join(done.stderr.split())
    assert "cannot load the handlers 'nohandlers:register': no module named 'nohandlers'" in said
    assert "importable: a file or package in the current folder, or on PYTHONPATH" in said


def test_the_current_folder_goes_last_on_the_path_so_it_shadows_nothing_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The handlers find a sibling module they import later (inside a function); a folder of the user's named as an
    installed package (`agents/`) hides nothing; a module the handlers import that is missing is named alone."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    (tmp_path / "own_handlers_here.py").write_text(
        'def register(engine):\n    def work(request):\n        import own_helper_here\n'
        '        return own_helper_here.N\n    engine.register("do_work", work)\n', encoding="utf-8")
    (tmp_path / "own_helper_here.py").write_text("N = 7\n", encoding="utf-8")
    (tmp_path / "imports_a_missing_one.py").write_text("import no_such_dependency_anywhere\n", encoding="utf-8")
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "__init__.py").write_text("raise ImportError('the user folder shadowed agents')\n")

    handlers: dict[str, Any] = {}
    registry = SimpleNamespace(register=lambda name, handler: handlers.update({name: handler}))  # an engine
    try:
        assert load_handlers("own_handlers_here:register", registry) is None
        assert handlers["do_work"](None) == 7
    finally:
        for name in ("own_handlers_here", "own_helper_here"):
            sys.modules.pop(name, None)
    assert sys.path[-1] == str(tmp_path)
    import agents.handlers  # noqa: PLC0415 - the shipped package, not the folder's

    assert Path(agents.handlers.__file__).is_relative_to(Path(__file__).resolve().parents[2])
    with pytest.raises(InvalidInput, match=r"no module named 'no_such_dependency_anywhere'$"):
        load_handlers("imports_a_missing_one:register", registry)  # a module it imports: no word on folders
