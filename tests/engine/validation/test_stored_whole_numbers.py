"""A definition's whole numbers kept in a 32-bit INTEGER column — its `version` (definitions, instances), a pinned
subflow or map `version` (a child's `workflow_version`), an approval's `quorum` (approvals) — are at most
2,147,483,647. QA: `"version": 1000000000000000000000000000000` validated and deploy raised OverflowError on
SQLite and NumericValueOutOfRange on PostgreSQL; 2147483648 deployed on SQLite and crashed on PostgreSQL."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from definitions import SCHEMA_DIR
from engine.errors import InvalidDefinition
from engine.runtime.engine import Engine
from engine.validation.loader import load_workflow

LIMIT = 2_147_483_647
ITSELF = "subflow-starts-itself"  # the flow runs itself as its subflow and map: the versions to bound are its own

FLOW: dict[str, Any] = {
    "id": "numbers", "title": "Numbers", "initial": "review",
    "states": {
        "review": {"type": "approval", "approvers": {"roles": ["manager"]}, "timeout": "P1D"},
        "child": {"type": "subflow", "workflow": "numbers"},
        "each": {"type": "map", "items": "[1, 2]", "workflow": "numbers"},
        "ok": {"type": "final"}, "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "review", "trigger": "approve", "dest": "child"},
        {"source": "review", "trigger": "reject", "dest": "refused"},
        {"source": "review", "trigger": "timeout", "dest": "refused"},
        {"source": "child", "trigger": "done", "dest": "each"},
        {"source": "child", "trigger": "error", "dest": "refused"},
        {"source": "each", "trigger": "done", "dest": "ok"},
        {"source": "each", "trigger": "error", "dest": "refused"},
    ],
}
PLACES = {"/version": ("version",), "/states/review/quorum": ("states", "review", "quorum"),
          "/states/child/version": ("states", "child", "version"),
          "/states/each/version": ("states", "each", "version")}


def _with(path: tuple[str, ...], value: int) -> dict[str, Any]:
    document = copy.deepcopy(FLOW)
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


@pytest.mark.parametrize("value", [10**30, 2**31])
@pytest.mark.parametrize("where", sorted(PLACES))
def test_a_whole_number_beyond_the_column_is_a_schema_error_at_its_pointer(where: str, value: int) -> None:
    loaded = load_workflow(_with(PLACES[where], value))
    assert loaded.model is None
    said = [f for f in loaded.findings if f.code != ITSELF]
    assert [(f.code, f.pointer) for f in said] == [("schema", where)]
    name = where.rsplit("/", 1)[1]
    assert said[0].message == (f"'{name}' must be at most 2,147,483,647: the database keeps it as a "
                                          "32-bit integer, so a larger number could not be deployed.")


@pytest.mark.parametrize("where", sorted(PLACES))
def test_the_largest_the_column_holds_is_taken(where: str) -> None:
    assert [f for f in load_workflow(_with(PLACES[where], LIMIT)).findings if f.code != ITSELF] == []


def test_the_committed_json_schema_says_the_bound() -> None:
    validator = jsonschema_rs.validator_for(json.loads((SCHEMA_DIR / "workflow.schema.json").read_text("utf-8")))
    for path in PLACES.values():
        assert validator.is_valid(_with(path, LIMIT))
        assert not validator.is_valid(_with(path, LIMIT + 1))


def test_the_largest_version_deploys_and_one_more_is_refused_before_the_database(database_url: str,
                                                                               tmp_path: Path) -> None:
    with Engine(database_url) as engine:
        assert engine.deploy(_with(("version",), LIMIT)).version == LIMIT
        path = tmp_path / "numbers.json"
        for value in (LIMIT + 1, 10**30):
            path.write_text(json.dumps(_with(("version",), value)), encoding="utf-8")
            with pytest.raises(InvalidDefinition) as refused:
                engine.deploy(path)
            assert [f.pointer for f in refused.value.findings if f.code != ITSELF] == ["/version"]
