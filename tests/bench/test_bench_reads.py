"""The reads bench (bench/bench_reads.py): its shortest run prints a row per read and size. No timing asserts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_short_run_prints_every_read_for_every_size() -> None:
    run = subprocess.run([sys.executable, "-m", "bench.bench_reads", "--sizes", "60", "120", "--rounds", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    for size in ("60", "120"):
        for read in ("list, first page of 25 + total", "KPIs, last 24 h", "series, last 24 h"):
            assert re.search(rf"│ {size}\s+│ {re.escape(read)}\s+│ [\d.,]+ ms", run.stdout), (size, read, run.stdout)
