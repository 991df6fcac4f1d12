"""The Paths panel expects costs at the prices the executors charge: an admin's price in the database wins over
the built-in one, as `statewright analyze --paths --db` takes it (the panel used to ignore the database's
prices, and the command every price but a `--prices` file's)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from designer_support import Env

ROOT = Path(__file__).resolve().parents[2]
TRIAGE: dict[str, Any] = json.loads((ROOT / "definitions/workflows/support_ticket_triage.json").read_text("utf-8"))


def _cheapest(env: Env) -> float:
    response = env.call("POST", "/api/paths", "viewer", json={"definition": TRIAGE})
    assert response.status_code == 200, response.text
    return min(p["cost_best"] for p in response.json()["paths"])


def test_a_price_set_in_the_database_moves_the_expected_cost(env: Env) -> None:
    built_in = _cheapest(env)
    assert built_in > 0  # the agents' gpt-4o-mini has a built-in price
    engine = env.services.engine
    engine.set_model_price("gpt-4o-mini", prompt_per_million=0.15, completion_per_million=1.20)
    try:
        assert _cheapest(env) == pytest.approx(2 * built_in)  # one full reply at twice the completion price
    finally:
        engine.remove_model_price("gpt-4o-mini")
    assert _cheapest(env) == built_in
