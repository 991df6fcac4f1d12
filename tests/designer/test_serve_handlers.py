"""`statewright serve --handlers module:function`: your handlers in the designer's process, beside the shipped
flows' (yours win a name both have) — publishing counts their actions, its in-process workers run them; refused
together with `--executor`, as every command that takes both refuses them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import designer._serve
from designer._services import Services
from designer.cli import build_cli
from engine.errors import InvalidInput


def _serve(tmp_path: Path, *given: str) -> Result:
    return CliRunner().invoke(build_cli(), ["serve", "--port", "0", "--db", f"sqlite:///{tmp_path / 's.db'}",
                                            "--workers", "0", *given])


class _Stopped(Exception):
    """Raised where the server would start: what serve built is looked at instead."""


def test_serve_registers_your_handlers_beside_the_shipped_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    (tmp_path / "my_app.py").write_text(
        "def register(engine):\n"
        "    engine.register('bill_customer', lambda request: 'billed')\n"
        "    engine.register('extract_lead', lambda request: 'mine')\n")
    monkeypatch.chdir(tmp_path)  # found in the current folder, as every --handlers is
    seen: list[Services] = []
    catalogs: list[frozenset[str] | None] = []

    def started(services: Services) -> None:
        seen.append(services)
        catalogs.append(services.engine.catalog().actions)  # while it serves: a stopped server's engine is closed
        raise _Stopped

    monkeypatch.setattr(designer._serve, "housekeeping", started)
    assert isinstance(_serve(tmp_path, "--handlers", "my_app:register").exception, _Stopped)
    [services] = seen
    handlers = services.engine.handlers
    assert "bill_customer" in handlers
    extract = handlers.get("extract_lead")  # a shipped flow's action, which the application performs its own way
    assert extract is not None
    assert extract(None) == "mine"  # type: ignore[arg-type]
    assert len(handlers.names()) > 2  # the shipped flows' handlers too
    [actions] = catalogs
    assert actions is not None
    assert "bill_customer" in actions


def test_serve_refuses_handlers_with_an_executor(tmp_path: Path) -> None:
    result = _serve(tmp_path, "--handlers", "my_app:register", "--executor", "rules")
    assert result.exit_code == 2, result.output
    assert "give --handlers or --executor, not both" in result.output
    assert not (tmp_path / "s.db").exists()


def test_serve_says_which_handlers_it_cannot_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    refused = _serve(tmp_path, "--handlers", "no_such_module:register").exception
    assert isinstance(refused, InvalidInput)  # the console script says it in one line (engine.cli.app.run_app)
    assert "cannot load the handlers 'no_such_module:register': no module named 'no_such_module'" in refused.detail
