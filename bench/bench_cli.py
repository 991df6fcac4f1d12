"""Command-line start-up benchmark: `statewright validate|analyze|render FILE` on one shipped workflow, as a
pre-commit hook runs it, timed as a new process each time.

    .venv/bin/python -m bench.bench_cli [--runs 7] [--file definitions/workflows/lead_qualification.json] [--quick]

Each command runs `--runs` times (wall time of the whole process: interpreter start-up, imports, the command);
the median and the best are printed with the CPU time (user + system) of the median run, beside two baselines
measured in the same rounds: `python -c pass` (the interpreter alone) and `python -c "import pydantic"` (the one
library the definition model cannot do without). Target: each command under 0.5 s. Rounds interleave the
commands and the baselines, so a change in the machine's load moves them together; the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).parent / "statewright"
FLOW = ROOT / "definitions" / "workflows" / "lead_qualification.json"
TARGET_SECONDS = 0.5


@dataclass
class Timings:
    """The wall and CPU seconds of each run of one command line."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, argv: list[str]) -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        self.wall.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)

    def median_cpu(self) -> float:
        """The CPU time of the run whose wall time is the median (the load stretches wall time, not CPU)."""
        ranked = sorted(range(len(self.wall)), key=self.wall.__getitem__)
        return self.cpu[ranked[len(ranked) // 2]]


def command_lines(flow: Path, out: Path) -> dict[str, list[str]]:
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import pydantic'": [sys.executable, "-c", "import pydantic"],
        f"statewright validate {flow.name}": [str(SCRIPT), "validate", str(flow)],
        f"statewright analyze {flow.name}": [str(SCRIPT), "analyze", str(flow)],
        f"statewright render {flow.name} -o x.svg": [str(SCRIPT), "render", str(flow), "-o", str(out)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7, help="runs of each command line (median and best shown)")
    parser.add_argument("--file", type=Path, default=FLOW, help="the workflow file the commands read")
    parser.add_argument("--quick", action="store_true", help="3 runs each: a smoke run")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as scratch:
        lines = command_lines(args.file.resolve(), Path(scratch) / "x.svg")
        timings = {name: Timings() for name in lines}
        for _ in range(runs):
            for name, argv in lines.items():
                timings[name].add(argv)
    print(f"{'command (one new process each run)':<52} {'median s':>8} {'best s':>7} {'CPU s':>6}  target")
    for name, timing in timings.items():
        target = ""
        if name.startswith("statewright"):
            verdict = "met" if statistics.median(timing.wall) < TARGET_SECONDS else "MISSED"
            target = f"< {TARGET_SECONDS} s: {verdict}"
        print(f"{name:<52} {statistics.median(timing.wall):8.3f} {min(timing.wall):7.3f} "
              f"{timing.median_cpu():6.3f}  {target}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({runs} runs of each)")


if __name__ == "__main__":
    main()
