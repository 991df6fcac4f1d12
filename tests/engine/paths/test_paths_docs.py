"""docs/testing-flows.md shows `analyze --paths` on a shipped flow: the command runs and prints what it shows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(sys.executable).parent / "statewright"
SECTION = (ROOT / "docs" / "testing-flows.md").read_text(encoding="utf-8").split("## Time and cost of each path")[1]


def test_the_documented_command_prints_the_documented_table() -> None:
    command = re.search(r"```sh\n(statewright [^\n]+)\n```", SECTION)
    shown = re.search(r"```text\n(.*?)\n```", SECTION, re.S)
    assert command
    assert shown
    arguments = command.group(1).split()[1:]
    assert arguments[:1] == ["analyze"]
    assert "--paths" in arguments
    done = subprocess.run([str(SCRIPT), *arguments], check=False, capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env={**os.environ, "COLUMNS": "120"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip("\n") == shown.group(1)
