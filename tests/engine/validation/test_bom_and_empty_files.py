"""Files as editors leave them: one a Windows editor saved with a UTF-8 byte order mark loads (RFC 8259 lets a
parser ignore it; it was refused as 'Unexpected UTF-8 BOM', and an agent file so saved counted as a workflow),
and an empty or blank file is said to be empty rather than 'Expecting value (line 1, column 1)'."""

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
BOM = b"\xef\xbb\xbf"


def _with_bom(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(BOM + source.read_bytes())
    return target


def test_a_folder_of_definitions_saved_with_a_byte_order_mark_validates_clean(tmp_path: Path) -> None:
    for kind in ("agents", "workflows"):
        for source in sorted((ROOT / "definitions" / kind).glob("*.json")):
            _with_bom(source, tmp_path / kind / source.name)
    agent = next((tmp_path / "agents").glob("*.json"))
    shutil.move(agent, tmp_path / agent.name)  # outside agents/: known as an agent by its fields alone
    assert definition_kind(tmp_path / agent.name) == "agent"
    done = subprocess.run([str(Path(sys.executable).with_name("statewright")), "validate", str(tmp_path),
                           "--format", "json"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert all(f["ok"] for f in json.loads(done.stdout)["files"])


@pytest.mark.parametrize("content", [b"", b"  \n\n", BOM])
def test_an_empty_file_is_said_to_be_empty(content: bytes) -> None:
    (finding,) = load_workflow(content).findings
    assert finding.code == "invalid-json"
    assert finding.message == "The file is empty: a definition is one JSON object { … }."
