"""A refused import lists what it refused — errors only — in every format, on the command line as through the
API. Once ASL listed its warnings too (a `ResultPath` it would have approximated beside the field it refused),
while XState and SCXML listed only their refusals; what an import approximates is said when it imports."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from engine.interop import import_document

ROOT = Path(__file__).resolve().parents[3]

# each: a document that imports with one warning, and the same with one construct the import refuses
_ASL: dict[str, Any] = {"StartAt": "Charge", "States": {
    "Charge": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:000000000000:function:charge",
               "Parameters": {"amount.$": "$.order.total"}, "Next": "Done"},  # ResultPath '$': a warning
    "Done": {"Type": "Succeed"}}}
_ASL_REFUSED = json.loads(json.dumps(_ASL))
_ASL_REFUSED["States"]["Charge"]["HeartbeatSeconds"] = 60
_XSTATE: dict[str, Any] = {"id": "m", "initial": "a", "context": {"n": 0}, "states": {  # context values: a warning
    "a": {"invoke": {"src": "charge", "onDone": "done"}}, "done": {"type": "final"}}}
_XSTATE_REFUSED = {**_XSTATE, "states": {**_XSTATE["states"], "a": {**_XSTATE["states"]["a"], "entry": ["log"]}}}
_SCXML = ('<scxml xmlns="http://www.w3.org/2005/07/scxml" version="1.0" initial="a" datamodel="cel">'
          '<datamodel><data id="n" expr="0"/></datamodel>{a}<final id="done"/></scxml>')  # a <data> value: a warning
_SCXML_A = '<state id="a"><transition event="go" target="done"/></state>'
_SCXML_A_REFUSED = '<state id="a"><onexit><log expr="1"/></onexit><transition event="go" target="done"/></state>'

CASES = {
    "asl": (json.dumps(_ASL), json.dumps(_ASL_REFUSED), "/States/Charge/HeartbeatSeconds"),
    "xstate": (json.dumps(_XSTATE), json.dumps(_XSTATE_REFUSED), "/states/a/entry"),
    "scxml": (_SCXML.format(a=_SCXML_A), _SCXML.format(a=_SCXML_A_REFUSED), "/states/a/onexit"),
}


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_a_refused_import_lists_only_its_refusals(fmt: str) -> None:
    mapped, refused, at = CASES[fmt]
    imported = import_document(fmt, mapped, "m")
    assert imported.ok, imported.findings
    assert "approximated" in {f.code for f in imported.findings}  # the warning a refusal leaves out
    result = import_document(fmt, refused, "m")
    assert result.document is None
    assert [(f.severity, f.code, f.pointer) for f in result.findings] == [("error", "unsupported-construct", at)]


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_the_command_line_prints_only_the_refusals(fmt: str, tmp_path: Path) -> None:
    _, refused, at = CASES[fmt]
    source = tmp_path / f"machine.{fmt}"
    source.write_text(refused, encoding="utf-8")
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "statewright"), "import", fmt, str(source), "-o",
                           str(tmp_path / "m.json")], check=False, capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "not imported" in done.stdout
    assert f"error unsupported-construct at {at}" in done.stdout
    assert "warning" not in done.stdout
