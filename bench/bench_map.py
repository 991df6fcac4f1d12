"""Map benchmark: a map state over N items (each item one task squaring its number, 50 at a time) beside the
same N tasks run as N separate one-task instances started at once — the raw baseline, measured in the same run
on the same kind of database. The map's cost per item should stay flat as N grows (near-linear total time).

    .venv/bin/python -m bench.bench_map [--sizes 100 250 1000] [--rounds 2]

Each side runs on a fresh temporary SQLite file with the in-process worker until idle, and checks every result.
The machine is shared and its load moves: compare figures of one run only. The CPU time (of this process: SQLite
runs in it) moves less with the load than the wall time, so it is given per item too.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from engine.definition.map_state import MAX_MAP_ITEMS
from engine.runtime.actions import ActionRequest
from engine.runtime.engine import Engine

CONCURRENCY = 50
_SQUARE = {"type": "task", "action": "square", "input": {"x": "item"}, "output": "y"}
MAP_FLOW: dict[str, Any] = {
    "id": "bench_map", "title": "Square every number", "initial": "each",
    "states": {"each": {"type": "map", "items": "xs", "max_concurrency": CONCURRENCY, "output": "squares",
                        "iterator": {"initial": "square", "states": {
                            "square": _SQUARE, "ok": {"type": "final", "outcome": "success", "result": {"y": "y"}}},
                            "transitions": [{"source": "square", "trigger": "done", "dest": "ok"}]}},
               "done": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "each", "trigger": "done", "dest": "done"}],
}
ONE_TASK_FLOW: dict[str, Any] = {
    "id": "bench_one_task", "title": "Square one number", "initial": "square",
    "states": {"square": {**_SQUARE, "input": {"x": "x"}}, "done": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "square", "trigger": "done", "dest": "done"}],
}


def _square(request: ActionRequest) -> int:
    return int(request.input["x"]) ** 2


def _engine(directory: str, name: str) -> Engine:
    engine = Engine(f"sqlite:///{Path(directory) / name}.db")
    engine.register("square")(_square)
    return engine


Took = tuple[float, float]
"""Wall seconds and CPU seconds."""


def _since(began: Took) -> Took:
    return time.perf_counter() - began[0], time.process_time() - began[1]


def _now() -> Took:
    return time.perf_counter(), time.process_time()


def map_seconds(directory: str, items: int) -> Took:
    with _engine(directory, f"map_{items}") as engine:
        engine.deploy(MAP_FLOW)
        began = _now()
        started = engine.start("bench_map", {"xs": list(range(items))})
        engine.run_until_idle()
        took = _since(began)
        done = engine.get(started.id)
        assert done.status == "succeeded", done.error
        assert done.context["squares"] == [{"y": i * i} for i in range(items)]
    return took


def separate_seconds(directory: str, items: int) -> Took:
    with _engine(directory, f"separate_{items}") as engine:
        engine.deploy(ONE_TASK_FLOW)
        began = _now()
        ids = [engine.start("bench_one_task", {"x": i}).id for i in range(items)]
        engine.run_until_idle()
        took = _since(began)
        assert all(engine.get(i).context["y"] == n * n for n, i in enumerate(ids))
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 250, MAX_MAP_ITEMS])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    table = Table(title=f"map state over N items (max_concurrency {CONCURRENCY}) vs N one-task instances, "
                        f"SQLite, best of {args.rounds}")
    for column in ("items", "map", "per item", "CPU per item", "N instances (baseline)", "its CPU per item",
                   "map / baseline", "growth vs previous N"):
        table.add_column(column, justify="right")
    previous: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as directory:
        for n in args.sizes:
            mapped, mapped_cpu = min(_fresh(map_seconds, directory, n) for _ in range(args.rounds))
            separate, separate_cpu = min(_fresh(separate_seconds, directory, n) for _ in range(args.rounds))
            growth = "—" if previous is None else f"{mapped / previous[1]:.1f}x for {n / previous[0]:.1f}x"
            table.add_row(str(n), f"{mapped:.2f} s", f"{mapped / n * 1000:.2f} ms", f"{mapped_cpu / n * 1000:.2f} ms",
                          f"{separate:.2f} s", f"{separate_cpu / n * 1000:.2f} ms", f"{mapped / separate:.1f}x", growth)
            previous = (n, mapped)
    Console(width=160).print(table)
    print(f"load average: {os.getloadavg()[0]:.1f}")


def _fresh(measure: Any, directory: str, n: int) -> Took:
    with tempfile.TemporaryDirectory(dir=directory) as fresh:
        wall, cpu = measure(fresh, n)
        return float(wall), float(cpu)


if __name__ == "__main__":
    main()
