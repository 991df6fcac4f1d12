"""QA: an `Engine` was not fork-safe (gunicorn `--preload`, `multiprocessing`). Opened in the parent, one instance
run there, then three `os.fork()` children doing 50 starts and `run_until_idle()` each: on PostgreSQL the children
failed with psycopg's own `DuplicatePreparedStatement prepared statement "_pg3_0" already exists` and `cannot exit
pipeline mode while busy` — they talked over the parent's connections — and a run hung: the default worker's
handler threads, taken as serving, stayed in the parent. A child now opens connections of its own and makes its own
workers; a worker made in the parent refuses to run in a child; an error the database gives on a session astray is
the runtime's `StorageError`, not the driver's."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from runtime_support import edge, final, task, workflow

from engine import StorageError
from engine.runtime.actions import ActionRequest
from engine.runtime.engine import Engine
from engine.runtime.views import InstanceView
from engine.runtime.worker import Worker
from storage.transaction import Transaction

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork() is POSIX's")

# a timeout: the action runs on the handler threads (not the worker's own thread), whose pool the child inherits
FLOW = workflow({"work": task("work", output="out", timeout_s=10), "done": final(), "failed": final("failure")},
                [edge("work", "done", "done"), edge("work", "failed", "error")])
CHILDREN = 3
STARTS = 50
DEADLINE_S = 60.0


def _work(request: ActionRequest) -> dict[str, Any]:
    return {"pid": os.getpid()}


def _in_child(engine: Engine, report: int) -> None:
    """What each child does, reporting "ok" or what went wrong on its pipe; it never returns."""
    said = "ok"
    try:
        alone = engine.start("flow", {})  # one action: a pool that takes the parent's thread as serving hangs
        engine.run_until_idle()
        ended = _ended(engine, alone.id)  # run here, or by a sibling that claimed it first
        if ended.status != "succeeded":
            said = f"its first instance is {ended.status}: {ended.error}"
        for _ in range(STARTS - 1):
            engine.start("flow", {})
        engine.run_until_idle()  # its own instances and its siblings': the database is one
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, whatever it is
        said = f"{type(exc).__module__}.{type(exc).__name__}: {exc}"
    finally:
        os.write(report, said.encode()[:4000])
        os._exit(0)


def _ended(engine: Engine, instance_id: str) -> InstanceView:
    """The instance once it is no longer running, or as it is after 20 s."""
    deadline = time.monotonic() + 20
    while (found := engine.get(instance_id)).status == "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def _open_files() -> list[Path]:
    """The files this process has open (Linux)."""
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            found.append(fd.readlink())
        except OSError:  # the listing's own descriptor, closed by now
            continue
    return found


def _fork(child: Callable[[int], None]) -> tuple[int, int]:
    """A child running `child(its report pipe)`; its pid and the pipe's end to read what it says."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        child(write)
    os.close(write)
    return pid, read


def _outcome(pid: int, report: int, deadline: float) -> str:
    """What the child said, or that it hung past the deadline (then it is killed)."""
    while True:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(report)
            return "hung"
        time.sleep(0.05)
    with os.fdopen(report, "rb") as pipe:
        return pipe.read().decode() or "said nothing"


def test_forked_children_use_connections_and_workers_of_their_own(database_url: str) -> None:
    engine = Engine(database_url)
    engine.register("work", _work)
    engine.deploy(FLOW)
    first = engine.start("flow", {})
    engine.run_until_idle()  # the parent holds pooled connections and a default worker with its threads
    assert engine.get(first.id).status == "succeeded"
    children = [_fork(partial(_in_child, engine)) for _ in range(CHILDREN)]
    deadline = time.monotonic() + DEADLINE_S
    assert [_outcome(pid, read, deadline) for pid, read in children] == ["ok"] * CHILDREN
    assert engine.count_instances(status="succeeded") == 1 + CHILDREN * STARTS
    # the parent's own connections were left alone: it goes on with them
    again = engine.start("flow", {})
    engine.run_until_idle()
    assert engine.get(again.id).status == "succeeded"
    assert engine.count_instances() == engine.count_instances(status="succeeded") == 2 + CHILDREN * STARTS
    engine.close()


def test_a_worker_made_before_a_fork_refuses_to_run_in_the_child(tmp_path: Path) -> None:
    def child(parents: Worker, report: int) -> None:
        said = "it ran"
        try:
            parents.run_until_idle()
        except RuntimeError as refused:
            said = str(refused)
        finally:
            os.write(report, said.encode()[:4000])
            os._exit(0)

    with Engine(f"sqlite:///{tmp_path / 'forks.db'}") as engine:
        pid, read = _fork(partial(child, engine.worker()))
        said = _outcome(pid, read, time.monotonic() + DEADLINE_S)
    assert said.startswith(f"this worker was made in process {os.getpid()}, which this one was forked from: ")
    assert said.endswith("make one in this process (Engine.worker(), Engine.run_worker(), Engine.run_until_idle())")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads the open files in /proc")
def test_a_child_inherits_no_open_sqlite_file(tmp_path: Path) -> None:
    """SQLite keeps per process which connection holds which lock: a child that inherits open connections
    believes it holds locks it does not (another process may then checkpoint and remove the WAL under it), and one
    forked while the checkpoint thread was inside SQLite waited for ever on SQLite's mutex at its first open."""
    def child(report: int) -> None:
        said = "could not look"
        try:
            held = sorted({path.name for path in _open_files() if path.is_relative_to(tmp_path)})
            said = ", ".join(held) or "none"
        finally:
            os.write(report, said.encode()[:4000])
            os._exit(0)

    with Engine(f"sqlite:///{tmp_path / 'forks.db'}") as engine:
        engine.register("work", _work)
        engine.deploy(FLOW)
        run = engine.start("flow", {})
        engine.run_until_idle()  # connections kept idle, and the checkpoint thread started by the commits
        pid, read = _fork(child)
        assert _outcome(pid, read, time.monotonic() + DEADLINE_S) == "none"
        assert engine.get(run.id).status == "succeeded"  # the parent opens what it needs again


@pytest.mark.postgres
def test_a_session_astray_is_a_storage_error_and_its_connection_is_dropped(postgres_database_url: str) -> None:
    def prepared_twice(tx: Transaction) -> None:  # what a child sharing its parent's session ran into
        tx.execute("PREPARE sw_qa_twice AS SELECT 1")
        tx.execute("PREPARE sw_qa_twice AS SELECT 1")

    with Engine(postgres_database_url) as engine:
        with pytest.raises(StorageError, match='prepared statement "sw_qa_twice" already exists'):
            engine.runtime.write(prepared_twice)
        # not given back for another transaction: the next one has no such statement to collide with
        engine.runtime.write(lambda tx: tx.execute("PREPARE sw_qa_twice AS SELECT 1"))
