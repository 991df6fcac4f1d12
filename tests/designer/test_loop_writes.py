"""The API's start and send run on the event loop's own thread on SQLite when the writer is free; when it is busy
the loop goes on serving (the write is tried again after a pause, then handed to a worker thread), and the write
still happens, once. On PostgreSQL they run in a worker thread."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
from anyio import to_thread
from designer_support import Env

from engine.runtime.engine import Engine
from engine.runtime.loop_writes import write_soon
from engine.runtime.views import InstanceView

FLOW: dict[str, Any] = {
    "id": "door",
    "title": "A door: knocked on while open",
    "initial": "open",
    "states": {"open": {"type": "wait", "duration": "P1D"}, "closed": {"type": "final", "outcome": "success"}},
    "transitions": [
        {"source": "open", "trigger": "done", "dest": "closed"},
        {"source": "open", "trigger": "knock", "dest": "open"},  # a repeat would be recorded twice
    ],
}


@pytest.fixture
def database(tmp_path: Path, sqlite_template: Path) -> Path:
    path = tmp_path / "loop.db"
    shutil.copyfile(sqlite_template, path)
    return path


@pytest.fixture
def engine(database: Path) -> Iterator[Engine]:
    with Engine(f"sqlite:///{database}") as opened:
        opened.deploy(FLOW)
        yield opened


@dataclass
class _Sent:
    view: InstanceView
    threads: list[int]  # the thread of each try of the send
    loop_thread: int
    ticks: int  # how often a task that ticks every 5 ms ticked meanwhile (a blocked loop: not at all)


def _send_soon(engine: Engine, instance_id: str, tried: threading.Event | None = None) -> _Sent:
    """`knock` sent to the instance through `write_soon` with the app's worker threads, from an event loop that
    also runs a ticking task; `tried` is set at the first try."""
    threads: list[int] = []

    def call() -> InstanceView:
        threads.append(threading.get_ident())
        if tried is not None:
            tried.set()
        return engine.send(instance_id, "knock", actor="test")

    async def main() -> _Sent:
        ticks = 0
        done = anyio.Event()

        async def tick() -> None:
            nonlocal ticks
            while not done.is_set():
                await anyio.sleep(0.005)
                ticks += 1

        async with anyio.create_task_group() as group:
            group.start_soon(tick)
            try:
                view = await write_soon(engine, call, to_thread.run_sync)  # as the API's lone commands
            finally:
                done.set()
        return _Sent(view, threads, threading.get_ident(), ticks)

    with ThreadPoolExecutor(1) as own_thread:  # a loop of its own: a test before may have left one running here
        return own_thread.submit(anyio.run, main).result()


def _hold_writer(database: Path, seconds: float, after: threading.Event | None = None) -> threading.Thread:
    """Another connection (as another process would) holds SQLite's write lock for `seconds` (counted from when
    `after` is set, if given: a slow machine may take longer than `seconds` to start the loop that tries)."""
    held = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        held.set()
        if after is not None:
            after.wait(5)
        time.sleep(seconds)
        other.execute("ROLLBACK")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert held.wait(5)
    return thread


def test_a_free_writer_is_written_to_on_the_loops_own_thread(engine: Engine) -> None:
    sent = _send_soon(engine, engine.start("door", {}).id)
    assert sent.view.state == "open"
    assert sent.threads == [sent.loop_thread]


def test_a_writer_busy_a_moment_is_waited_for_without_blocking_the_loop(engine: Engine, database: Path) -> None:
    instance = engine.start("door", {})
    tried = threading.Event()
    holder = _hold_writer(database, 0.01, after=tried)  # released soon after the first try, well within patience
    sent = _send_soon(engine, instance.id, tried)
    holder.join()
    assert sent.view.state == "open"
    assert len(sent.threads) >= 2  # refused while the other connection wrote, then done
    assert set(sent.threads) == {sent.loop_thread}
    assert [e.event for e in engine.history(instance.id)].count("knock") == 1


def test_a_writer_busy_longer_gets_the_write_in_a_thread_and_the_loop_keeps_serving(engine: Engine,
                                                                                     database: Path) -> None:
    instance = engine.start("door", {})
    holder = _hold_writer(database, 0.4)
    began = time.monotonic()
    sent = _send_soon(engine, instance.id)
    holder.join()
    assert time.monotonic() - began >= 0.3  # it waited for the other connection's write …
    assert sent.view.state == "open"
    assert sent.threads[-1] != sent.loop_thread  # … in a worker thread,
    assert sent.ticks >= 20  # while the loop went on (0.4 s of 5 ms ticks; a blocked loop: none)
    assert engine.get(instance.id).version == 2  # started, knocked on once
    assert [e.event for e in engine.history(instance.id)].count("knock") == 1


@pytest.mark.postgres
def test_on_postgresql_every_write_goes_to_a_thread(postgres_database_url: str) -> None:
    with Engine(postgres_database_url) as engine:
        engine.deploy(FLOW)
        sent = _send_soon(engine, engine.start("door", {}).id)
    assert sent.view.state == "open"
    assert len(sent.threads) == 1
    assert sent.threads[0] != sent.loop_thread


def test_the_api_sends_while_another_process_holds_the_writer_and_answers_others_meanwhile(env: Env) -> None:
    env.services.engine.deploy(FLOW)
    started = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "door", "context": {}})
    assert started.status_code == 201, started.text
    instance_id = started.json()["id"]
    database = Path(env.services.settings.database_url.removeprefix("sqlite:///"))
    replies: dict[str, Any] = {}

    def send() -> None:
        replies["send"] = env.call("POST", f"/api/instances/{instance_id}/events", "analyst",
                                   json={"event": "knock"}, headers={"Prefer": "return=minimal"})

    holder = _hold_writer(database, 1.0)
    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(0.15)  # the send is waiting for the writer by now
    began = time.monotonic()
    health = env.client.get("/api/health")
    answered_in = time.monotonic() - began
    holder.join()
    sender.join()
    assert health.status_code == 200
    assert answered_in < 0.5  # not held up by the send waiting for the other connection (0.85 s more)
    assert replies["send"].status_code == 200, replies["send"].text
    assert replies["send"].json()["state"] == "open"
    assert [e.event for e in env.services.engine.history(instance_id)].count("knock") == 1
