"""`nul-character`: U+0000 in any string or key of a definition is an error at its pointer. QA: a title starting
with "\\u0000" validated clean and deployed on SQLite, and deploying it on PostgreSQL crashed ("PostgreSQL text
fields cannot contain NUL (0x00) bytes"); now `validate` and deploy refuse it alike on every backend."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.definition import Workflow
from engine.errors import InvalidDefinition
from engine.runtime.engine import Engine
from engine.validation.loader import load_agent, load_workflow

ROOT = Path(__file__).resolve().parents[3]
STATEWRIGHT = Path(sys.executable).with_name("statewright")

FLOW: dict[str, Any] = {
    "id": "nul", "title": "Nul", "initial": "p",
    "context": {"type": "object", "properties": {"note": {"type": "string"}}},
    "states": {
        "p": {"type": "parallel", "branches": [{"name": "b", "initial": "w", "states": {
            "w": {"type": "task", "action": "work", "input": {"note": "note"}},
            "z": {"type": "final"}, "f": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "w", "trigger": "done", "dest": "z"},
                            {"source": "w", "trigger": "error", "dest": "f"}]}]},
        "ok": {"type": "final"}, "bad": {"type": "final", "outcome": "failure"},
    },
    "transitions": [{"source": "p", "trigger": "done", "dest": "ok"},
                    {"source": "p", "trigger": "error", "dest": "bad"}],
}


def _nul_findings(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.pointer, f.message) for f in load_workflow(document).findings if f.code == "nul-character"]


def test_a_clean_flow_has_no_findings() -> None:
    assert load_workflow(FLOW).findings == []


def test_a_title_starting_with_nul_is_an_error_at_its_pointer() -> None:
    loaded = load_workflow({**FLOW, "title": "\u0000Nul"})
    assert loaded.model is None
    assert [(f.code, f.severity, f.pointer) for f in loaded.findings] == [("nul-character", "error", "/title")]
    assert loaded.findings[0].message == (
        "The text '\\u0000Nul' holds U+0000 (the NUL character, written \\u0000 in JSON), which PostgreSQL cannot "
        "store as text: the definition could not be deployed there. Remove the character.")


def test_every_string_and_key_holding_nul_is_named_wherever_it_is() -> None:
    document = copy.deepcopy(FLOW)
    document["context"]["properties"]["a\u0000/b"] = {"type": "string", "description": "x\u0000"}
    document["states"]["p"]["branches"][0]["states"]["w"]["description"] = "\u0000"
    document["examples"] = [{"name": "e", "context": {"note": ["fine", "no\u0000"]}}]
    found = _nul_findings(document)
    assert [where for where, _ in found] == [
        "/context/properties/a\u0000~1b", "/context/properties/a\u0000~1b/description", "/examples/0/context/note/1",
        "/states/p/branches/0/states/w/description"]
    assert found[0][1].startswith("The key 'a\\u0000/b' holds U+0000")
    assert found[3][1].startswith("In parallel state 'p' \u203a branch 'b' \u203a state 'w': The text '\\u0000' holds")


def test_nul_is_reported_beside_the_schema_errors_of_a_flow_that_does_not_fit() -> None:
    document = {**FLOW, "title": "\u0000", "unknown_field": 1}
    assert sorted(f.code for f in load_workflow(document).findings) == ["nul-character", "schema"]


def test_an_escaped_backslash_before_u0000_is_no_nul() -> None:
    assert load_workflow(json.loads(json.dumps({**FLOW, "title": "a \\u0000 is not NUL"}))).findings == []


def test_an_agent_holding_nul_is_refused_too() -> None:
    agent = json.loads((ROOT / "definitions" / "agents" / "bdr_concierge.json").read_text(encoding="utf-8"))
    assert load_agent(agent).ok
    agent["instructions"] = "Be brief.\u0000"
    loaded = load_agent(agent)
    assert [(f.code, f.pointer) for f in loaded.findings] == [("nul-character", "/instructions")]
    assert loaded.model is None


def test_deploy_refuses_it_alike_on_every_backend(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "nul.json"
    path.write_text(json.dumps({**FLOW, "title": "\u0000Nul"}), encoding="utf-8")
    with Engine(database_url) as engine:
        model = Workflow.model_validate({**FLOW, "title": "\u0000Nul"})  # built in code: no named checks run
        for source in (path, {**FLOW, "title": "\u0000Nul"}, model):
            with pytest.raises(InvalidDefinition) as refused:
                engine.deploy(source)
            assert [(f.code, f.pointer) for f in refused.value.findings] == [("nul-character", "/title")]
        assert engine.deploy(FLOW).created


def test_validate_exits_1_naming_the_pointer(tmp_path: Path) -> None:
    path = tmp_path / "nul.json"
    path.write_text(json.dumps({**FLOW, "title": "\u0000Nul"}), encoding="utf-8")
    done = subprocess.run([str(STATEWRIGHT), "validate", str(path), "--format", "json"], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    (checked,) = json.loads(done.stdout)["files"]
    assert [(f["code"], f["pointer"]) for f in checked["findings"]] == [("nul-character", "/title")]
