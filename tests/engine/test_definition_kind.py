"""One rule says whether a file is a workflow or an agent, for validate and deploy alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli.files import collect_files
from engine.definition.file_kind import definition_kind
from engine.runtime.definition_files import is_agent_file

ROOT = Path(__file__).resolve().parents[2]
AGENT = json.loads((ROOT / "definitions" / "agents" / "bdr_concierge.json").read_text(encoding="utf-8"))
AGENT.pop("$schema", None)
WORKFLOW = json.loads((ROOT / "definitions" / "workflows" / "lead_qualification.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("folder", "document", "kind"), [
    ("agents", AGENT, "agent"),
    ("elsewhere", AGENT, "agent"),  # an agent's own fields say so, wherever it lies
    ("elsewhere", {**AGENT, "$schema": "../schema/agent.schema.json"}, "agent"),
    ("agents", WORKFLOW, "workflow"),  # states make a workflow even in an agents folder
    ("elsewhere", {"id": "half_written", "title": "No states yet"}, "workflow"),  # its loader says what is missing
    ("agents", {"$schema": "../schema/workflow.schema.json", "id": "x"}, "workflow"),
    ("elsewhere", "{ not json", "workflow"),
    ("elsewhere", [1, 2], "workflow"),
])
def test_every_command_classifies_a_file_alike(tmp_path: Path, folder: str, document: object, kind: str) -> None:
    path = tmp_path / folder / "definition.json"
    path.parent.mkdir()
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    assert definition_kind(path) == kind
    assert collect_files([path])[0][0].kind == kind  # validate, render, review
    assert is_agent_file(path) == (kind == "agent")  # deploy
