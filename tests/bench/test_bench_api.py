"""The API bench (bench/bench_api.py): its shortest run prints every row, alone and with another process writing
to the same file, without an error, and a verdict. No timing asserts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_short_run_prints_every_row_without_errors_and_a_verdict() -> None:
    run = subprocess.run([sys.executable, "-m", "bench.bench_api", "--seconds", "0.5"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=False,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    for operation in ("start — HTTP (c=16)", "start — engine direct (1 thread)", "send — HTTP (c=16)",
                      "send — engine direct (1 thread)", "start — HTTP, another process writing (c=16)",
                      "send — HTTP, another process writing (c=16)"):
        row = re.search(rf"│ {re.escape(operation)}\s+│\s+([\d,]+) │.*│\s+(\d+) │\n", run.stdout)
        assert row is not None, (operation, run.stdout)
        assert int(row.group(1).replace(",", "")) > 0, operation  # requests made
        assert row.group(2) == "0", operation  # errors
    assert re.search(r"target ≥ 30%: (met|MISSED)", run.stdout), run.stdout
    assert re.search(r"With another process writing to the same file \([\d,]+ writes/s\)", run.stdout), run.stdout
