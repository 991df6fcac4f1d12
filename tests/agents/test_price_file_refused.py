"""A deployment's price file (`STATEWRIGHT_MODEL_PRICES`) with a price that is none stops the command that loads it
before any task, with one line naming the file, the model and the setting — through the installed console script,
as a deployer meets it.

Before, `"completion_per_million": -300` ran the flow and recorded every attempt's cost as negative (the
tenant's budget growing with each), and a `NaN` failed every model task with kind `error` and the database's
`IntegrityError: NOT NULL constraint failed: attempt_spend.amount`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from chat_completions_server import Script

from agents.handlers.pricing import PriceBook, Pricing
from definitions import WORKFLOWS_DIR
from engine.definition import Agent

STATEWRIGHT = str(Path(sys.executable).with_name("statewright"))
TRIAGE = str(WORKFLOWS_DIR / "support_ticket_triage.json")
SETTINGS = ("STATEWRIGHT_EXECUTOR", "STATEWRIGHT_LLM_URL", "STATEWRIGHT_LLM_MODEL", "STATEWRIGHT_LLM_API_KEY",
            "STATEWRIGHT_MODEL_PRICES", "STATEWRIGHT_LLM_PROVIDER")
NOT_A_PRICE = "not a finite number of USD per million tokens from 0 to 1,000,000"


def _statewright(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    return subprocess.run([STATEWRIGHT, *args], capture_output=True, text=True, env={**clean, "COLUMNS": "200", **env},
                          cwd=cwd, timeout=300, check=False)


@pytest.mark.parametrize(("prices", "fault"), [
    ({"gpt-4o-mini": {"prompt_per_million": 1, "completion_per_million": -300}},
     f'the completion_per_million of the model "gpt-4o-mini" is -300, {NOT_A_PRICE}'),
    ({"gpt-4o-mini": {"prompt_per_million": float("nan"), "completion_per_million": 1}},
     f'the prompt_per_million of the model "gpt-4o-mini" is nan, {NOT_A_PRICE}'),
], ids=["negative", "nan"])
@pytest.mark.parametrize(("command", "executor"), [("run", "llm"), ("worker", "llm"), ("run", "rules")])
def test_a_price_file_with_a_price_that_is_none_stops_the_command_before_any_task(
        tmp_path: Path, server: tuple[str, Script], prices: dict[str, object], fault: str, command: str,
        executor: str) -> None:
    url, script = server
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(prices), encoding="utf-8")  # NaN as JavaScript writes it, which JSON readers take
    db = tmp_path / "x.db"
    arguments = [TRIAGE, "--example", "password_reset_is_deflected"] if command == "run" else []
    done = _statewright(tmp_path, command, *arguments, "--executor", executor, "--db", f"sqlite:///{db}",
                        STATEWRIGHT_LLM_URL=url, STATEWRIGHT_LLM_MODEL="gpt-4o-mini",
                        STATEWRIGHT_MODEL_PRICES=str(path))
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.strip() == f"error: the price file {path}: {fault}"
    assert "Traceback" not in done.stdout + done.stderr
    assert script.requests == []  # the model never asked, nothing charged


def test_a_price_file_within_the_limits_prices_the_agents_actions(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"llama-3.1-70b": {"prompt_per_million": 0, "completion_per_million": 1_000_000}}),
                    encoding="utf-8")
    monkeypatch.setenv("STATEWRIGHT_MODEL_PRICES", str(path))
    agent = Agent.model_validate({"id": "writer", "type": "writer", "version": "1.0.0", "name": "Writer",
                                  "model": "llama-3.1-70b", "instructions": "Write.", "actions": ["write"]})
    cost = Pricing({"writer": agent}, PriceBook()).cost("writer", {}, [], "x" * 8)
    assert cost is not None
    assert cost.amount == pytest.approx(2.0)  # 8 characters: 2 tokens at 1 USD each
    assert cost.priced
