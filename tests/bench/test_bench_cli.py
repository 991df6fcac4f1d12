"""The command-line start-up bench (bench/bench_cli.py): one run of each prints the baselines and a verdict for
validate, analyze and render of one shipped file. No timing asserts."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_one_run_prints_the_baselines_and_a_verdict_per_command() -> None:
    run = subprocess.run([sys.executable, "-m", "bench.bench_cli", "--runs", "1"], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    assert re.search(r"python -c pass\s+[\d.]+\s+[\d.]+\s+[\d.]+\s*\n", run.stdout), run.stdout
    for command in ("validate", "analyze", "render"):
        row = rf"statewright {command} lead_qualification\.json.*\s[\d.]+\s+[\d.]+\s+[\d.]+  < 0\.5 s: (met|MISSED)"
        assert re.search(row, run.stdout), run.stdout
