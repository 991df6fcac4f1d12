"""Review pack benchmark: `statewright review FLOW -o review.pdf` on generated flows of growing size.

    .venv/bin/python -m bench.bench_review [--sizes 100 200 500]

The flows are bench_validation's (tasks, choices, approvals, waits, parallel states, retry loops; every task's
`error → failed` is an edge drawn over the layout, crossing the diagram). Each size is written to a file and
reviewed by the console script in a new process, as a user runs it; wall and CPU time (the process and its
children: `dot`, WeasyPrint in the process) are printed, with `growth`: how much faster than the state count
the CPU time grew since the row above (1.0 is linear). `pages/drawing` is the SVG elements on all the printed
diagram pages over the elements of the drawing itself (each page carries about its own part of the drawing);
`before`, the same for pages cut as they were before (each group touching a page, whole), counted in this run.
Target: a 500-state review in well under a minute.

Baseline, measured before the pages were cut to their own part (commit 08dd04e, 2 shared vCPUs, load ~3):
100 states 16.8 s CPU, 200 states 42 s CPU, 500 states 80 s CPU / 163 s wall (growth 1.25, 1.26). After
(same machine): 7.7, 13.3 and 30.9 s CPU, 31 s wall at 500 states (growth 0.88, 0.93).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from bench.bench_validation import generate
from engine.review.diagram_section import draw
from engine.review.page_clip import ClippedGraph
from engine.review.paging import plan_pages
from engine.review.svg_geometry import Area
from engine.validation.loader import require_workflow

SCRIPT = Path(sys.executable).parent / "statewright"
TARGET_STATES = 500
TARGET_SECONDS = 60.0


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _meets(a: Area, b: Area) -> bool:
    return not (a.x1 < b.x0 or a.x0 > b.x1 or a.y1 < b.y0 or a.y0 > b.y1)


def _pages_over_drawing(document: dict[str, Any]) -> tuple[float, float]:
    """SVG elements on all the diagram's pages over the drawing's: as the pages are cut now, and as they were
    cut before (every group whose box touched a page, whole), counted in the same run."""
    svg = draw(require_workflow(document))
    whole = sum(1 for _ in svg.graph.iter())
    pages = plan_pages(svg)
    now = sum(sum(1 for _ in ET.fromstring(svg.window(p.area, p.scale)).iter()) for p in pages)
    pieces = ClippedGraph(svg.graph, svg._absolute).pieces
    before = sum(1 + sum(sum(1 for _ in piece.element.iter()) for piece in pieces
                         if piece.box is None or _meets(piece.box, p.area)) for p in pages)
    return now / whole, before / whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 500])
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"{'states':>7} {'wall s':>7} {'CPU s':>6} {'growth':>6} {'pages/drawing':>13} {'before':>6}  target")
    previous: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            document = generate(size)
            flow = Path(folder) / f"flow_{size}.json"
            flow.write_text(json.dumps(document))
            cpu, started = _children_cpu(), time.perf_counter()
            subprocess.run([str(SCRIPT), "review", str(flow), "-o", str(Path(folder) / f"review_{size}.pdf")],
                           check=True, capture_output=True)
            wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
            states = len(document["states"])
            growth = f"{(cpu / previous[1]) / (states / previous[0]):6.2f}" if previous else f"{'':>6}"
            previous = (states, cpu)
            target = ""
            if size == TARGET_STATES:
                verdict = "met" if wall < TARGET_SECONDS else "MISSED"
                target = f"review < {TARGET_SECONDS:.0f} s at {TARGET_STATES}: {verdict}"
            now, before = _pages_over_drawing(document)
            print(f"{states:>7} {wall:7.1f} {cpu:6.1f} {growth} {now:13.1f} {before:6.1f}  {target}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
