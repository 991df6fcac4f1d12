"""`statewright serve --handler-grace-s`: the grace window of its in-process workers, which share the database with
any `statewright worker` beside it (engine.runtime.hand_backs) — 60 s unless given."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import designer._serve
from designer._services import Services
from designer.cli import build_cli
from designer.settings import Settings
from engine.runtime.engine import Engine


@pytest.mark.parametrize(("given", "grace"), [((), 60.0), (("--handler-grace-s", "5"), 5.0),
                                              (("--handler-grace-s", "0"), 0.0)])
def test_serve_gives_its_workers_the_handler_grace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   given: tuple[str, ...], grace: float) -> None:
    seen: list[float] = []

    def built(settings: Settings, engine: Engine | None = None) -> Services:
        assert engine is not None
        seen.append(engine.handler_grace_s)
        engine.close()
        raise ValueError("stopped before the server starts")

    monkeypatch.setattr(designer._serve, "build_services", built)
    result = CliRunner().invoke(build_cli(), ["serve", "--port", "0", "--db", f"sqlite:///{tmp_path / 's.db'}",
                                              *given])
    assert "stopped before the server starts" in result.output
    assert seen == [grace]


def test_serve_refuses_a_negative_handler_grace(tmp_path: Path) -> None:
    result = CliRunner().invoke(build_cli(), ["serve", "--port", "0", "--db", f"sqlite:///{tmp_path / 's.db'}",
                                              "--handler-grace-s", "-1"])
    assert result.exit_code == 2, result.output
    assert "--handler-grace-s" in result.output
    assert not (tmp_path / "s.db").exists()

