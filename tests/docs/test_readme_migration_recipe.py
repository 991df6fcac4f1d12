"""The README's migration recipe runs as written, each line with the exit code its comment gives (0 unless it
says `exit N`): the instance started from customer_escalation waits in version 1, version 2 is made, deployed with
`--strict` — the copy named as the recipe names it gave a `file-name-not-id` warning, which `--strict` refuses —
and the instance is migrated. Run in a scratch folder that sees the repository's `definitions/` and `docs/`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)
EXIT = re.compile(r"#.*\bexit (\d)")


def _recipe() -> list[str]:
    """The line that starts the waiting instance, then every line of the block that migrates it."""
    blocks = BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    start = next(line for block in blocks for line in block.splitlines()
                 if line.startswith("statewright run definitions/workflows/customer_escalation.json"))
    migrating = next(block for block in blocks if "statewright migrate customer_escalation" in block)
    return [start, *migrating.splitlines()]


def test_the_readme_migration_recipe_runs_clean(tmp_path: Path) -> None:
    (tmp_path / "definitions").symlink_to(ROOT / "definitions")
    (tmp_path / "docs").symlink_to(ROOT / "docs")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    lines = _recipe()
    assert any("deploy" in line and "--strict" in line for line in lines)
    for line in lines:
        done = subprocess.run(["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        expected = int(found.group(1)) if (found := EXIT.search(line)) else 0
        assert done.returncode == expected, f"{line}\nexit {done.returncode}:\n{done.stdout}\n{done.stderr}"
        assert "file-name-not-id" not in done.stdout + done.stderr, line
