"""JSON that Python's parser gives up on other than by a syntax error — a number of more than 4,300 digits
(ValueError), arrays nested 100,000 deep (RecursionError) — is an `invalid-json` finding, whether it is the
file given or only a file beside it: such a neighbour used to end `statewright validate FILE` (which reads the
definitions beside FILE) in a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.definition.file_kind import definition_kind
from engine.json_limits import MAX_JSON_DEPTH
from engine.validation.findings import tokens_of
from engine.validation.loader import load_workflow

ROOT = Path(__file__).resolve().parents[3]
FLOW = ROOT / "definitions" / "workflows" / "support_ticket_triage.json"
LONG_NUMBER = '{"id": "x", "version": 1' + "0" * 5000 + "}"
DEEP = "[" * 100_000 + "]" * 100_000


def _statewright(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(Path(sys.executable).with_name("statewright")), *args], capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.parametrize(("text", "message"), [
    (LONG_NUMBER, "a number in it is too long (over 4,300 digits)"),
    (DEEP, "too deep to be read at all"),
])
def test_a_file_python_cannot_parse_is_an_invalid_json_finding(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "odd.json"
    path.write_text(text, encoding="utf-8")
    assert definition_kind(path) == "workflow"
    (finding,) = load_workflow(path).findings
    assert finding.code == "invalid-json"
    assert message in finding.message


@pytest.mark.parametrize("text", [LONG_NUMBER, DEEP], ids=["long-number", "deep"])
def test_a_good_file_beside_one_python_cannot_parse_validates(tmp_path: Path, text: str) -> None:
    shutil.copytree(ROOT / "definitions" / "agents", tmp_path / "agents")
    (tmp_path / "workflows").mkdir()
    flow = tmp_path / "workflows" / FLOW.name
    shutil.copy(FLOW, flow)
    (tmp_path / "workflows" / "odd.json").write_text(text, encoding="utf-8")
    done = _statewright("validate", str(flow), "--format", "json")
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    done = _statewright("validate", str(tmp_path), "--format", "json")
    assert "Traceback" not in done.stderr
    assert done.returncode == 1
    (odd,) = [f for f in json.loads(done.stdout)["files"] if f["path"].endswith("odd.json")]
    assert [f["code"] for f in odd["findings"]] == ["invalid-json"]


def _resolve(document: Any, json_pointer: str) -> Any:
    for token in tokens_of(json_pointer):
        document = document[token]
    return document


def test_a_context_schema_nested_too_deeply_to_parse_is_named_where_it_passes_the_limit(tmp_path: Path) -> None:
    """QA: a context schema 1,800 deep was `invalid-json` "nested too deeply" with an empty pointer."""
    def flow(depth: int) -> str:
        schema = '{"type": "object"}'
        for _ in range(depth):
            schema = '{"type": "object", "properties": {"a": ' + schema + "}}"
        return ('{"id": "deep", "title": "Deep", "context": ' + schema +
                ', "initial": "s", "states": {"s": {"type": "final"}}}')

    path = tmp_path / "deep.json"
    path.write_text(flow(1_800), encoding="utf-8")
    (finding,) = load_workflow(path).findings
    assert finding.code == "invalid-json"
    assert "too deep to be read at all" in finding.message
    assert f"nests more than {MAX_JSON_DEPTH} levels" in finding.message
    assert finding.pointer.startswith("/context/properties/a/properties/a/")
    shallower = json.loads(flow(MAX_JSON_DEPTH))  # the same shape, readable: the pointer leads into it
    assert isinstance(_resolve(shallower, finding.pointer), dict)
    assert len(tokens_of(finding.pointer)) == MAX_JSON_DEPTH  # the object opened at level 65, the first too deep
    text, offset = flow(1_800), -1
    for _ in range(MAX_JSON_DEPTH + 1):  # every '{' up to there opens a level
        offset = text.index("{", offset + 1)
    assert (finding.line, finding.column) == (1, offset + 1)


def test_arrays_nested_too_deeply_to_parse_are_named_at_line_and_column() -> None:
    (finding,) = load_workflow(DEEP).findings
    assert (finding.pointer, finding.line, finding.column) == ("/0" * MAX_JSON_DEPTH, 1, MAX_JSON_DEPTH + 1)
