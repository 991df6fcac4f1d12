"""A plain handler that hangs past its task's timeout: its task fails with kind 'timeout', and the thread it
keeps (Python cannot stop it) is given up — later actions get threads of their own, and a worker stopped with
SIGTERM exits without waiting for it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from runtime_support import edge, final, task, workflow

from engine.runtime.actions import ActionRequest
from engine.runtime.engine import Engine

ROOT = Path(__file__).resolve().parents[3]


def _task_flow(flow_id: str, action: str, timeout_s: float) -> dict[str, object]:
    return workflow({"work": task(action, output="out", timeout_s=timeout_s), "ok": final(), "bad": final("failure")},
                    [edge("work", "ok", "done"), edge("work", "bad", "error", assign={"why": "event.kind"})],
                    id=flow_id).model_dump(mode="json", exclude_none=True)


def test_handlers_that_hang_past_their_timeout_leave_later_actions_threads_to_run_on(engine: Engine) -> None:
    """A worker runs its batch on as many threads as the batch holds; two hung handlers used to keep both, and
    the quick actions claimed next waited behind them until they too failed with 'timeout', never having run."""
    engine.deploy(_task_flow("hangs", "hang", timeout_s=0.2))
    engine.deploy(_task_flow("quick", "answer", timeout_s=20))
    release = threading.Event()
    engine.register("hang", lambda request: release.wait())
    ran: list[str] = []

    @engine.register("answer")
    def answer(request: ActionRequest) -> int:
        ran.append(request.instance_id)
        return 42

    worker = engine.worker(batch=2)  # two threads
    try:
        hung = [engine.start("hangs", {}) for _ in range(2)]
        worker.run_until_idle()
        assert [engine.get(h.id).context.get("why") for h in hung] == ["timeout", "timeout"]
        quick = [engine.start("quick", {}) for _ in range(4)]
        worker.run_until_idle()
        ended = [engine.get(q.id) for q in quick]
    finally:
        release.set()
        worker.close()
    assert [(e.state, e.context.get("out"), e.context.get("why")) for e in ended] == [("ok", 42, None)] * 4
    assert sorted(ran) == sorted(q.id for q in quick)


HANGING_HANDLERS = """
import threading
def register(engine):
    engine.register("hang", lambda request: threading.Event().wait())
"""


def test_a_worker_stopped_with_sigterm_does_not_wait_for_a_handler_given_up_at_its_timeout(tmp_path: Path) -> None:
    (tmp_path / "hanging_handlers.py").write_text(HANGING_HANDLERS, encoding="utf-8")
    flow = tmp_path / "hangs.json"
    flow.write_text(json.dumps(_task_flow("hangs", "hang", timeout_s=0.2)), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'hung.db'}"
    with Engine(db) as engine:
        engine.deploy(flow)
        started = engine.start("hangs", {})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    worker = subprocess.Popen(
        [sys.executable, "-m", "designer.cli", "worker", "--db", db, "--handlers", "hanging_handlers:register",
         "--poll", "0.1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90  # bounded, not measured: a loaded machine starts Python slowly
        with Engine(db) as engine:
            while time.monotonic() < deadline and engine.get(started.id).state != "bad":
                time.sleep(0.1)
            assert engine.get(started.id).context.get("why") == "timeout"
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=60)  # the hung handler never returns
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, errors
    assert "Traceback" not in errors
    assert f"the action 'hang' of instance {started.id} overran its timeout of 0.2 s" in errors
