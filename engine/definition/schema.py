"""The JSON Schema of the definition format, generated from the models — never written by hand.

`definitions/schema/workflow.schema.json` and `agent.schema.json` are this module's output, committed so that
editors can validate a definition file through its `"$schema"` reference. A test regenerates them and fails
when the committed files are stale; `write_schemas` (or `statewright schema`) refreshes them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from engine.definition.agent import Agent
from engine.definition.workflow import Workflow

__all__ = [
    "AGENT_SCHEMA_ID",
    "JSON_SCHEMA_DIALECT",
    "SCHEMA_FILES",
    "WORKFLOW_SCHEMA_ID",
    "agent_json_schema",
    "schema_text",
    "workflow_json_schema",
    "write_schemas",
]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
WORKFLOW_SCHEMA_ID = "urn:statewright:schema:workflow"
AGENT_SCHEMA_ID = "urn:statewright:schema:agent"

_GENERATED = "Generated from the models in engine/definition by engine.definition.schema; do not edit."


def _model_schema(model: type[BaseModel], schema_id: str, title: str) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["$id"] = schema_id
    schema["$comment"] = _GENERATED
    schema["title"] = title
    return schema


def workflow_json_schema() -> dict[str, Any]:
    """The JSON Schema a workflow file follows (`"$schema": "../schema/workflow.schema.json"`)."""
    return _model_schema(Workflow, WORKFLOW_SCHEMA_ID, "Statewright workflow definition")


def agent_json_schema() -> dict[str, Any]:
    """The JSON Schema an agent file follows (`"$schema": "../schema/agent.schema.json"`)."""
    return _model_schema(Agent, AGENT_SCHEMA_ID, "Statewright agent definition")


SCHEMA_FILES: dict[str, Callable[[], dict[str, Any]]] = {
    "workflow.schema.json": workflow_json_schema,
    "agent.schema.json": agent_json_schema,
}


def schema_text(schema: dict[str, Any]) -> str:
    """The committed form: sorted keys, two-space indent, non-ASCII kept, one trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema file into `directory` (created if missing); returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, generate in SCHEMA_FILES.items():
        path = directory / name
        path.write_text(schema_text(generate()), encoding="utf-8")
        written.append(path)
    return written
