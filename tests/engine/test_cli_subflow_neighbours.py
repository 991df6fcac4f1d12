"""A flow whose subflow is kept beside it — in a folder of their own, or in a `workflows/` folder with no
`agents/` beside it — is checked, analysed and drawn against that subflow, as `statewright run` deploys it.
Before, every file command but `run` said `unknown-subflow` for it unless an `agents/` folder happened to exist."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli.app import build_app
from engine.runtime.engine import Engine

PARENT: dict[str, Any] = {
    "id": "order", "title": "Order", "initial": "ship",
    "states": {"ship": {"type": "subflow", "workflow": "shipping", "output": "shipment"},
               "shipped": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "ship", "trigger": "done", "dest": "shipped"},
                    {"source": "ship", "trigger": "error", "dest": "failed"}],
}
CHILD: dict[str, Any] = {
    "id": "shipping", "title": "Shipping", "initial": "book",
    "states": {"book": {"type": "wait", "duration": "PT1H"}, "booked": {"type": "final"}},
    "transitions": [{"source": "book", "trigger": "done", "dest": "booked"}],
}


def _cli(*args: str) -> Any:
    return CliRunner().invoke(build_app(args[0]), list(args))


@pytest.fixture(params=["own_folder", "workflows_folder_without_agents"])
def flow(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    folder = tmp_path / ("flows" if request.param == "own_folder" else "workflows")
    folder.mkdir()
    (folder / "shipping.json").write_text(json.dumps(CHILD), encoding="utf-8")
    (folder / "notes.json").write_text('{"not": "a definition"}', encoding="utf-8")  # a neighbour that is no flow
    path = folder / "order.json"
    path.write_text(json.dumps(PARENT), encoding="utf-8")
    return path


def test_validate_finds_the_subflow_beside_the_file(flow: Path) -> None:
    done = _cli("validate", str(flow))
    assert done.exit_code == 0, done.output
    assert "unknown-subflow" not in done.output


def test_analyze_paths_counts_the_subflows_time(flow: Path) -> None:
    done = _cli("analyze", str(flow), "--paths", "--format", "json")
    assert done.exit_code == 0, done.output
    worst = {tuple(p["states"]): p["worst_s"] for p in json.loads(done.output)["paths"]}
    assert worst[("ship", "shipped")] == 3600  # the child's one-hour wait


def test_render_draws_a_flow_with_its_subflow_beside_it(flow: Path, tmp_path: Path) -> None:
    done = _cli("render", str(flow), "-o", str(tmp_path / "order.dot"))
    assert done.exit_code == 0, done.output
    assert "shipping" in (tmp_path / "order.dot").read_text(encoding="utf-8")


def test_a_subflow_that_is_nowhere_is_still_unknown(tmp_path: Path) -> None:
    path = tmp_path / "order.json"
    path.write_text(json.dumps(PARENT), encoding="utf-8")
    done = _cli("validate", str(path))
    assert done.exit_code == 1
    assert "unknown-subflow at /states/ship/workflow" in done.output


def test_render_instance_knows_the_subflows_deployed_in_its_database(tmp_path: Path) -> None:
    """`render FILE --instance ID --db URL` said `unknown-subflow … 'shipping'` for a subflow deployed in that
    database but kept elsewhere than beside FILE, where `validate FILE --db URL` passed: both check against what
    the database has deployed."""
    (tmp_path / "flows").mkdir()
    path = tmp_path / "flows" / "order.json"
    path.write_text(json.dumps(PARENT), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'd.db'}"
    with Engine(db) as engine:
        engine.deploy(CHILD)
        engine.deploy(PARENT)
        instance = engine.start("order").id
    assert _cli("validate", str(path), "--db", db).exit_code == 0
    done = _cli("render", str(path), "-o", str(tmp_path / "path.dot"), "--instance", instance, "--db", db)
    assert done.exit_code == 0, done.output
    drawn = (tmp_path / "path.dot").read_text(encoding="utf-8")
    assert "shipping" in drawn
    assert "unknown-subflow" not in done.output
