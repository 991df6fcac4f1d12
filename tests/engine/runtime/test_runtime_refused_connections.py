"""A PostgreSQL server that refuses new connections (its `max_connections` all taken, as an operator walk saw
with four workers on one server; or restarting) makes the engine's reads and writes fail with a one-line
`StorageError` — which the CLI, the API and the worker already answer — not with the
driver's own exception (an idle `statewright worker` exited 1 with a traceback), and they work again once the
server takes connections."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time

import pytest
from postgres_roles import PostgresRole
from runtime_support import edge, final, workflow

from engine.errors import StorageError
from engine.runtime.engine import Engine

pytestmark = pytest.mark.postgres  # a server that refuses connections is PostgreSQL's case

WAIT = workflow({"open": {"type": "wait", "duration": "P1D"}, "done": final()}, [edge("open", "done", "close")],
                id="waiting")


def test_reads_and_writes_say_the_database_is_unavailable_then_work_again(postgres_role: PostgresRole) -> None:
    with Engine(postgres_role.url) as engine:
        engine.deploy(WAIT)
        run = engine.start("waiting")
        postgres_role.limit(0)  # the server takes no new connection of the role ...
        postgres_role.drop_connections()  # ... and has dropped the ones it had
        engine.runtime.store._drop_idle()  # the engine's idle connections are gone with them
        with pytest.raises(StorageError) as read:
            engine.get(run.id)
        assert "\n" not in str(read.value)
        assert "connection" in str(read.value).lower()
        with pytest.raises(StorageError):
            engine.send(run.id, "close")
        postgres_role.limit(-1)
        assert engine.send(run.id, "close").status == "succeeded"


def test_a_worker_rides_out_the_refusal_in_a_line_or_two(postgres_role: PostgresRole) -> None:
    """A `statewright worker` keeps running while the server refuses it: one line when the database stops
    answering, one when it answers again, no traceback per poll; then it stops cleanly when asked."""
    command = [sys.executable, "-m", "designer.cli", "worker", "--db", postgres_role.url, "--poll", "0.1"]
    worker = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in worker.stderr or ()], daemon=True)
    reader.start()
    seen: list[str] = []

    def wait_for(text: str) -> None:
        deadline = time.monotonic() + 60  # bounded, not measured
        while time.monotonic() < deadline:
            try:
                seen.append(lines.get(timeout=1))
            except queue.Empty:
                continue
            if text in seen[-1]:
                return
        pytest.fail(f"no line with {text!r} in {''.join(seen)}")

    try:
        wait_for("worker on")
        postgres_role.limit(0)
        postgres_role.drop_connections()
        wait_for("the database does not answer")
        time.sleep(1)  # ten polls refused meanwhile
        postgres_role.limit(-1)
        wait_for("the database answers again")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    reader.join(30)
    while not lines.empty():
        seen.append(lines.get())
    text = "".join(seen)
    assert "Traceback" not in text
    assert text.count("the database does not answer") == 1
