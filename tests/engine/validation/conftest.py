"""Shared pieces of the validation tests: the fixture folders, the catalog, and a small clean workflow."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from engine.validation.catalog import Catalog
from engine.validation.loader import load_catalog

FIXTURES = Path(__file__).parent / "fixtures"

# A clean order check: a task, a choice with a default, an approval with a timeout, two ends.
ORDER: dict[str, Any] = {
    "id": "order_check",
    "title": "Order check",
    "context": {"type": "object", "properties": {"amount": {"type": "number"}, "customer": {"type": "string"}}},
    "initial": "check",
    "states": {
        "check": {"type": "task", "action": "check_order", "input": {"customer": "customer"}, "output": "order"},
        "route": {"type": "choice"},
        "review": {"type": "approval", "approvers": {"roles": ["manager"]}, "timeout": "PT48H",
                   "request": {"total": "order.total"}},
        "approved": {"type": "final", "outcome": "success", "result": {"total": "order.total"}},
        "rejected": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "check", "trigger": "done", "dest": "route"},
        {"source": "check", "trigger": "error", "dest": "rejected"},
        {"source": "route", "dest": "review", "guard": "amount > 1000", "priority": 1},
        {"source": "route", "dest": "approved"},
        {"source": "review", "trigger": "approve", "dest": "approved"},
        {"source": "review", "trigger": "reject", "dest": "rejected"},
        {"source": "review", "trigger": "timeout", "dest": "rejected"},
    ],
}


@pytest.fixture
def order() -> dict[str, Any]:
    """A fresh, mutable copy of the clean order-check workflow."""
    return copy.deepcopy(ORDER)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The reference set in fixtures/catalog: agent 'clerk' and workflow 'onboarding'; the registered actions are
    those the fixtures run, less the typo that defective/unknown-action.json makes; 'send_notice' takes the input
    `NOTICE_INPUT` says."""
    loaded, problems = load_catalog(FIXTURES / "catalog")
    assert not problems, problems
    return dataclasses.replace(loaded, actions=frozenset(_actions_run_by_fixtures() - {"check_ordr"}),
                               action_inputs={"send_notice": NOTICE_INPUT})


NOTICE_INPUT = {"type": "object", "required": ["to", "amount"],
                "properties": {"to": {"type": "string"}, "amount": {"type": "number"}}}


def _actions_run_by_fixtures() -> set[str]:
    found: set[str] = set()
    for path in FIXTURES.glob("*/*.json"):
        for state in json.loads(path.read_text(encoding="utf-8")).get("states", {}).values():
            if isinstance(state, dict) and isinstance(state.get("action"), str):
                found.add(state["action"])
    return found
