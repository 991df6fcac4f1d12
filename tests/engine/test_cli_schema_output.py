"""`statewright schema workflow > definitions/schema/workflow.schema.json` — the README's regenerate command —
gives the committed file byte for byte. It wrote `\\u00b1` where the committed file has `±` (JSON escaped every
non-ASCII character), so regenerating showed a diff where nothing had changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from definitions import SCHEMA_DIR

STATEWRIGHT = str(Path(sys.executable).with_name("statewright"))


@pytest.mark.parametrize("kind", ["workflow", "agent"])
def test_the_printed_schema_is_the_committed_file_byte_for_byte(kind: str) -> None:
    done = subprocess.run([STATEWRIGHT, "schema", kind], capture_output=True, timeout=120, check=False,
                          env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})  # a locale that is not UTF-8, too
    assert done.returncode == 0, done.stderr
    committed = (SCHEMA_DIR / f"{kind}.schema.json").read_bytes()
    assert "±".encode() in committed or kind == "agent"  # the character it escaped
    assert done.stdout == committed
