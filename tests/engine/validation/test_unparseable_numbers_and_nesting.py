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

import pytest

from engine.definition.file_kind import definition_kind
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
    (DEEP, "nested too deeply"),
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
