"""The designer UI's own unit tests (vitest, designer/ui/src/**/*.test.ts): the draft merge, where new states go.
They run here so that the README's test command runs them too; `make test` installs designer/ui's node_modules
first (designer/ui/check_build.sh runs `npm ci`). Without node_modules they skip, but in CI they must run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from must_run import unavailable

UI = Path(__file__).resolve().parents[2] / "designer" / "ui"


def test_the_ui_unit_tests_pass() -> None:
    npm = shutil.which("npm")
    if npm is None:
        unavailable("npm is not installed: the designer UI's unit tests need Node.js")
    if not (UI / "node_modules" / ".bin" / "vitest").exists():
        unavailable("designer/ui/node_modules is missing: run `(cd designer/ui && npm ci)` (make test does)")
    result = subprocess.run(
        [npm, "test", "--silent", "--", "--reporter=dot"],
        cwd=UI,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"npm test failed:\n{result.stdout[-8000:]}\n{result.stderr[-4000:]}"
