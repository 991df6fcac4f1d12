"""A definition nested deeper than stored JSON can be read back (parallel states in one another, 16 deep) is
refused by `validate` and by every way of deploying it — a file, a dict, a model built in code — at the way to
its deepest point. Before, a file or a model deployed, and every later command on that database failed reading
it back ("recursion limit exceeded")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from engine.definition import Workflow
from engine.errors import InvalidDefinition, InvalidInput
from engine.validation.loader import load_workflow

SCRIPT = Path(sys.executable).parent / "statewright"


def _nested(depth: int) -> dict[str, Any]:
    """A workflow whose one state is a parallel state `depth` parallels deep, each branch a task or the next."""
    state: dict[str, Any] = {"type": "task", "action": "x"}
    for level in range(depth):
        state = {"type": "parallel", "branches": [{
            "name": f"b{level}", "initial": "q",
            "states": {"q": state, "z": {"type": "final"}, "f": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "q", "trigger": "done", "dest": "z"},
                            {"source": "q", "trigger": "error", "dest": "f"}]}]}
    return {"id": "deep", "title": "Deep", "initial": "p",
            "states": {"p": state, "ok": {"type": "final"}, "bad": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "p", "trigger": "done", "dest": "ok"},
                            {"source": "p", "trigger": "error", "dest": "bad"}]}


def test_validate_refuses_a_definition_nested_too_deep_and_says_where(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(_nested(20)), encoding="utf-8")
    (finding,) = load_workflow(path).findings
    assert finding.severity == "error"
    assert finding.pointer == "/states/p/branches/0/states/q/branches/0"
    assert "nests more than 64 levels deep" in finding.message
    result = subprocess.run([str(SCRIPT), "validate", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stderr
    assert "nests more than 64 levels deep" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert load_workflow(_nested(10)).model is not None  # 10 parallels in one another stay within the limit


def test_every_way_of_deploying_it_is_refused_and_the_database_stays_readable(tmp_path: Path) -> None:
    deep = _nested(20)
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(deep), encoding="utf-8")
    model = Workflow.model_validate(deep)  # the model itself does not limit depth
    with Engine(f"sqlite:///{tmp_path / 'deep.db'}") as engine:
        engine.register("x", lambda _request: {})
        with pytest.raises(InvalidDefinition, match="nests more than 64 levels deep"):
            engine.deploy(path)
        with pytest.raises(InvalidDefinition, match="nests more than 64 levels deep"):
            engine.deploy(model)
        with pytest.raises(InvalidInput, match="nested more than 64 levels deep"):
            engine.deploy(deep)
        engine.deploy(_nested(10))  # the database still reads what it holds
        run = engine.start("deep", {})
        engine.run_until_idle()
        assert engine.get(run.id).status == "succeeded"
