"""Several engines (separate connection pools, as separate processes would have) working one database at
once: every instance ends, histories stay gapless, no transition is applied twice."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

from runtime_support import assert_consistent, edge, final, task, workflow

from engine.runtime.actions import ActionRequest
from engine.runtime.engine import Engine

FLOW = workflow(
    {"prepare": task("step", output="prepared"),
     "fan": {"type": "parallel", "branches": [
         {"name": name, "initial": "work", "states": {"work": task("step", output=name), "ok": final()},
          "transitions": [edge("work", "ok", "done")]} for name in ("left", "right")]},
     "finish": task("step", output="finished"), "done": final()},
    [edge("prepare", "fan", "done"), edge("fan", "finish", "done"), edge("finish", "done", "done")],
    id="busy",
)


def test_four_engines_share_the_work_without_applying_anything_twice(database_url: str) -> None:
    engines = [Engine(database_url, rng=random.Random(n)) for n in range(4)]
    calls: Counter[str] = Counter()
    lock = threading.Lock()

    def step(request: ActionRequest) -> str:
        with lock:
            calls[request.idempotency_key] += 1
        return request.state

    try:
        for engine in engines:
            engine.register("step", step)
        engines[0].deploy(FLOW)
        runs = [engines[n % 4].start("busy", {"n": n}) for n in range(24)]
        stop = threading.Event()

        def work(engine: Engine) -> None:
            worker = engine.worker(batch=4)
            try:
                while not stop.is_set():
                    if not worker.run_once():
                        time.sleep(0.01)
            finally:
                worker.close()

        threads = [threading.Thread(target=work, args=(e,)) for e in engines]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not all(engines[0].get(r.id).ended for r in runs):
            time.sleep(0.05)
        stop.set()
        for thread in threads:
            thread.join()
        for run in runs:
            view = engines[0].get(run.id)
            assert view.status == "succeeded", view
            assert [h.event for h in engines[0].history(run.id)].count("done") == 3
            assert_consistent(engines[0], run.id)
            for child in engines[0].list_instances(parent_id=run.id):
                assert child.status == "succeeded"
                assert [h.event for h in engines[0].history(child.id)] == ["(start)", "done"]
        assert len(calls) == 24 * 4  # every action (prepare, two branches, finish) ran
        assert len(engines[0].runtime.deployments.cache) <= 3  # one machine per (version, branch), none per instance
    finally:
        for engine in engines:
            engine.close()
