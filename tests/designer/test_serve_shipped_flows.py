"""`statewright serve` pointed at a database keeps the shipped example flows out of it unless asked
(`--shipped-flows`, or `--demo`): deployed into a database of yours, their cron schedules started instances there
(`ops_sla_monitoring` every 15 minutes) whose actions your workers do not have. `make run` (`serve --demo`) still
gets them, with their schedules armed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from typer.testing import CliRunner, Result

import designer._serve
from designer.cli import build_cli
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.schedules import fire_due_schedules
from storage.definitions import DefinitionStore

MINE = {"id": "my_flow", "title": "Mine", "initial": "hold",
        "states": {"hold": {"type": "wait", "duration": "PT1H"}, "done": {"type": "final"}},
        "transitions": [{"source": "hold", "trigger": "done", "dest": "done"}]}


class _Server:
    """uvicorn's server as the test sees it: the app started (its lifespan: deploy, workers) and stopped."""

    def __init__(self, config: Any, *, on_shutdown: Any) -> None:
        self.app = config.app
        self.started = False

    def run(self, sockets: list[Any]) -> None:
        with TestClient(self.app):
            self.started = True


def _serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *given: str) -> tuple[Result, str]:
    monkeypatch.setattr(designer._serve, "_Server", _Server)
    url = f"sqlite:///{tmp_path / 's.db'}"
    result = CliRunner().invoke(build_cli(), ["serve", "--port", "0", "--db", url, "--workers", "0", *given])
    assert result.exit_code == 0, result.output
    return result, url


def _deployed(url: str) -> list[str]:
    with Engine(url) as engine:
        return [r.workflow_id for r in engine.runtime.read(lambda tx: DefinitionStore(tx).latest_of_each())]


def _scheduled_starts(url: str, hours: float) -> int:
    """How many instances the deployed schedules start when a worker comes by `hours` later."""
    with Engine(url) as peek:
        now = peek.clock.now()
    with Engine(url, clock=ManualClock(now + hours * 3600)) as engine:
        return fire_due_schedules(engine.runtime)


def test_serve_leaves_a_database_of_yours_without_the_shipped_flows(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    with Engine(url) as engine:
        engine.deploy(MINE)
    result, _ = _serve(tmp_path, monkeypatch)
    assert _deployed(url) == ["my_flow"]
    assert _scheduled_starts(url, hours=2) == 0  # no example's schedule starts anything in it
    assert "no workflow is deployed" not in result.output


def test_an_empty_database_says_how_to_get_the_shipped_flows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, url = _serve(tmp_path, monkeypatch)
    assert _deployed(url) == []
    assert "serve --shipped-flows deploys the shipped examples" in " ".join(result.output.replace("`", "").split())


def test_shipped_flows_deploys_them_with_their_schedules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, url = _serve(tmp_path, monkeypatch, "--shipped-flows")
    assert {"lead_qualification", "ops_sla_monitoring", "support_ticket_triage"} <= set(_deployed(url))
    assert _scheduled_starts(url, hours=2) >= 1  # ops_sla_monitoring's every 15 minutes


def test_demo_without_the_shipped_flows_seeds_its_users_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, url = _serve(tmp_path, monkeypatch, "--demo", "--no-shipped-flows")
    assert "Demo users" in result.output
    assert _deployed(url) == []
    with Engine(url) as engine:
        assert engine.count_instances() == 0


def test_serve_help_names_the_option() -> None:
    shown = CliRunner().invoke(build_cli(), ["serve", "--help"], env={"COLUMNS": "200"})
    assert "--shipped-flows" in shown.output
    assert "--no-shipped-flows" in shown.output
    assert "Default: only with --demo" in " ".join(shown.output.replace("│", " ").split())
