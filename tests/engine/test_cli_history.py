"""`statewright history ID`: a page of a long history (a map over many items writes a row per item), and a
task's retries shown as `(3 attempts)` rather than with a stray leading space when it called no tool."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli import output
from engine.cli.app import build_app
from engine.runtime.actions import ActionError, ActionRequest
from engine.runtime.engine import Engine

RETRIED: dict[str, Any] = {
    "id": "retried", "title": "Retried", "initial": "first",
    "states": {"first": {"type": "task", "action": "flaky", "output": "a",
                         "retry": {"max_attempts": 3, "backoff": "fixed", "initial_interval_s": 0.01,
                                   "jitter": False}},
               "second": {"type": "task", "action": "steady", "output": "b"},
               "third": {"type": "task", "action": "steady", "output": "c"},
               "done": {"type": "final"}},
    "transitions": [{"source": "first", "trigger": "done", "dest": "second"},
                    {"source": "second", "trigger": "done", "dest": "third"},
                    {"source": "third", "trigger": "done", "dest": "done"}],
}



@pytest.fixture(autouse=True)
def _wide_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as a wide terminal shows them, whichever test made the console first (it reads COLUMNS once)."""
    monkeypatch.setattr(output.stdout, "_width", 300)

def _history(*args: str) -> Any:
    return CliRunner().invoke(build_app("history"), ["history", *args], env={"COLUMNS": "300"})


def _finished(database_url: str) -> str:
    calls: list[int] = []

    def flaky(request: ActionRequest) -> dict[str, int]:
        calls.append(request.attempt)
        if request.attempt < 3:
            raise ActionError("unavailable", "down")
        return {"n": 1}

    with Engine(database_url) as engine:
        engine.register("flaky", flaky)
        engine.register("steady", lambda request: {"n": 2})
        engine.deploy(RETRIED)
        instance = engine.start("retried", {}).id
        for _ in range(50):
            engine.run_until_idle()
            if engine.get(instance).ended:
                break
            engine.clock.sleep(0.02)
        assert engine.get(instance).state == "done"
    return instance


def test_a_page_of_the_history(database_url: str) -> None:
    instance = _finished(database_url)

    page = _history(instance, "--after", "1", "--limit", "2", "--db", database_url, "--format", "json")

    assert page.exit_code == 0, page.output
    assert [(h["seq"], h["from_state"], h["to_state"]) for h in json.loads(page.output)] == [
        (2, "first", "second"), (3, "second", "third")]


def test_retries_without_tool_calls_read_as_the_attempt_count(database_url: str) -> None:
    instance = _finished(database_url)

    table = _history(instance, "--db", database_url)

    assert table.exit_code == 0, table.output
    assert "│ (3 attempts) │" in table.output
