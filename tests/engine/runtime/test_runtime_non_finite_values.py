"""A CEL expression whose value JSON cannot hold — a NaN or an infinity, as `double(part) / double(total)` gives
when the total is 0 — fails its instance with the expression's kind (assign, input, result) and says why; it used
to reach the database encoder, whose ValueError stopped the worker (and every instance of its batch with it) and
answered a start over the API with a 500. A defect met while finishing one job of a batch no longer holds back
the others, nor stops the worker."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from engine.runtime import worker as worker_module
from engine.runtime.engine import Engine

RATIO = "double(part) / double(total)"


def _flow(flow_id: str, **where: Any) -> dict[str, Any]:
    """measure (a task) → done; the ratio written where `where` says: an assign on `done`, the task's input, or
    the final state's result."""
    measure: dict[str, Any] = {"type": "task", "action": "measure", "output": "measured"}
    if "input" in where:
        measure["input"] = {"ratio": RATIO}
    done: dict[str, Any] = {"type": "final", "outcome": "success"}
    if "result" in where:
        done["result"] = {"ratio": RATIO}
    on_done: dict[str, Any] = {"source": "measure", "trigger": "done", "dest": "done"}
    if "assign" in where:
        on_done["assign"] = {"ratio": RATIO}
    return {
        "id": flow_id, "title": "A ratio", "context": {"type": "object"}, "initial": "measure",
        "states": {"measure": measure, "done": done, "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [on_done, {"source": "measure", "trigger": "error", "dest": "failed"}],
    }


@pytest.mark.parametrize(("where", "kind", "said"), [
    ("assign", "assign", "infinity"), ("input", "input", "infinity"), ("result", "result", "infinity")])
def test_an_infinite_ratio_fails_its_instance_with_its_kind(engine: Engine, where: str, kind: str, said: str) -> None:
    engine.register("measure", lambda _request: {"ok": True})
    engine.deploy(_flow("ratio", **{where: True}))
    ratio = engine.start("ratio", {"part": 5, "total": 0})
    fine = engine.start("ratio", {"part": 1, "total": 4})
    engine.run_until_idle()

    failed = engine.get(ratio.id)
    assert failed.status == "failed"
    if where in ("input", "assign"):  # a task's input, or the assign its `done` takes, that fails is the task's
        # error: its error transition is taken
        assert failed.state == "failed"
        error = engine.history(ratio.id)[-1].payload
    else:
        error = failed.error
    assert error is not None
    assert error["kind"] == kind
    assert error["message"].startswith(f"{RATIO}: its value is {said}, which JSON cannot hold")
    assert "ratio" not in failed.context  # nothing of it was written

    assert engine.get(fine.id).status == "succeeded"  # the other instance of the batch went its way
    if where == "assign":
        assert engine.get(fine.id).context["ratio"] == 0.25


def test_a_nan_result_is_said_to_be_not_a_number(engine: Engine) -> None:
    engine.register("measure", lambda _request: {"ok": True})
    engine.deploy(_flow("ratio", result=True))
    view = engine.start("ratio", {"part": 0, "total": 0})
    engine.run_until_idle()
    error = engine.get(view.id).error
    assert error is not None
    assert error["message"].startswith(f"{RATIO}: its value is NaN (not a number)")


def test_a_defect_finishing_one_job_leaves_the_others_and_the_worker_running(engine: Engine,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A fault put in on purpose: finishing the job of one instance raises what no check foresaw (a ValueError,
    as the encoder's was). The batch is finished item by item, the other instance ends, and the worker's loop
    goes on (its thread alive, taking new work)."""
    engine.register("measure", lambda _request: {"ok": True})
    engine.deploy(_flow("plain"))
    doomed = engine.start("plain", {"part": 1, "total": 1})
    fine = engine.start("plain", {"part": 1, "total": 2})
    real = worker_module.finish_action

    def finish(rt: Any, tx: Any, job: Any, *args: Any, **kwargs: Any) -> Any:
        if job.instance_id == doomed.id:
            raise ValueError("a defect met finishing this job")
        return real(rt, tx, job, *args, **kwargs)

    monkeypatch.setattr(worker_module, "finish_action", finish)
    worker = engine.worker()
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop,), kwargs={"poll_s": 0.05}, daemon=True)
    thread.start()
    try:
        later = engine.start("plain", {"part": 2, "total": 2})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (engine.get(fine.id).ended and engine.get(later.id).ended):
            time.sleep(0.05)
        assert engine.get(fine.id).status == "succeeded"
        assert engine.get(later.id).status == "succeeded"  # taken after the defect: the loop went on
        assert thread.is_alive()
        assert engine.get(doomed.id).status == "running"  # its job runs again once its lease lapses
    finally:
        stop.set()
        thread.join(10)
