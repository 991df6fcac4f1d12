"""The committed JSON Schema files are exactly what the models generate, and every shipped definition file
validates against the schema its `$schema` names (checked by a JSON Schema validator, not by pydantic)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from definitions import AGENTS_DIR, SCHEMA_DIR, WORKFLOWS_DIR
from engine.definition.schema import (
    AGENT_SCHEMA_ID,
    JSON_SCHEMA_DIALECT,
    SCHEMA_FILES,
    WORKFLOW_SCHEMA_ID,
    agent_json_schema,
    schema_text,
    workflow_json_schema,
    write_schemas,
)

REGENERATE = (
    ".venv/bin/python -c \"from pathlib import Path; from engine.definition.schema import write_schemas; "
    "write_schemas(Path('definitions/schema'))\""
)
DEFINITION_FILES = sorted([*WORKFLOWS_DIR.glob("*.json"), *AGENTS_DIR.glob("*.json")])

MINIMAL_WORKFLOW: dict[str, Any] = {
    "id": "minimal",
    "title": "Minimal",
    "initial": "work",
    "states": {
        "work": {"type": "task", "action": "do_it", "retry": {"max_attempts": 2, "retry_on": ["timeout"]}},
        "done": {"type": "final"},
    },
    "transitions": [{"source": "work", "trigger": "done", "dest": "done"}],
}


def _validator(name: str) -> Any:
    return jsonschema_rs.validator_for(json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_committed_schema_is_current(name: str) -> None:
    committed = (SCHEMA_DIR / name).read_text(encoding="utf-8")
    assert committed == schema_text(SCHEMA_FILES[name]()), f"{name} is stale; regenerate it with: {REGENERATE}"


def test_committed_form_is_sorted_indented_and_ends_with_a_newline() -> None:
    text = (SCHEMA_DIR / "workflow.schema.json").read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert not text.endswith("\n\n")
    assert text.startswith('{\n  "$comment": ')  # sorted keys, two-space indent
    assert json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n" == text


def test_write_schemas_writes_what_is_committed(tmp_path: Path) -> None:
    written = write_schemas(tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(SCHEMA_FILES)
    for path in written:
        assert path.read_text(encoding="utf-8") == (SCHEMA_DIR / path.name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("generate", "schema_id"), [(workflow_json_schema, WORKFLOW_SCHEMA_ID), (agent_json_schema, AGENT_SCHEMA_ID)]
)
def test_generated_schema_is_identified_and_valid(generate: Any, schema_id: str) -> None:
    schema = generate()
    assert schema["$id"] == schema_id
    assert schema["$schema"] == JSON_SCHEMA_DIALECT
    assert schema["title"].startswith("Statewright ")
    assert "$schema" in schema["properties"], "by_alias: a definition file may name its schema"
    assert schema["additionalProperties"] is False
    assert jsonschema_rs.meta.is_valid(schema)


@pytest.mark.parametrize("path", DEFINITION_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_shipped_file_validates_against_its_schema(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    schema_path = (path.parent / document["$schema"]).resolve()
    assert schema_path.parent == SCHEMA_DIR.resolve()
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in
              _validator(schema_path.name).iter_errors(document)]
    assert not errors, errors


def test_workflow_schema_accepts_a_minimal_workflow() -> None:
    assert _validator("workflow.schema.json").is_valid(MINIMAL_WORKFLOW)


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        (("colour",), "blue"),  # unknown top-level field
        (("states", "work", "type"), "job"),  # no such state type
        (("states", "work", "retry", "backoff"), "random"),  # not fixed/exponential
        (("states", "work", "retry", "max_attempts"), 0),  # below the minimum
        (("states", "work", "action"), "do it!"),  # not a handler name
        (("transitions", 0, "priority"), "high"),  # not an integer
    ],
)
def test_workflow_schema_rejects_what_the_model_rejects(pointer: tuple[str | int, ...], value: Any) -> None:
    document = copy.deepcopy(MINIMAL_WORKFLOW)
    node: Any = document
    for token in pointer[:-1]:
        node = node[token]
    node[pointer[-1]] = value
    assert not _validator("workflow.schema.json").is_valid(document)


def test_agent_schema_rejects_a_bad_version_and_an_unknown_policy() -> None:
    agent = json.loads((AGENTS_DIR / "bdr_concierge.json").read_text(encoding="utf-8"))
    validator = _validator("agent.schema.json")
    assert validator.is_valid(agent)
    assert not validator.is_valid({**agent, "version": "1.0"})
    assert not validator.is_valid({**agent, "policies": {**agent["policies"], "max_spend": 3}})
