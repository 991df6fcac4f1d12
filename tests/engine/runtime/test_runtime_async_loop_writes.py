"""`AsyncEngine`'s one-transaction commands run on the event loop's own thread on SQLite when the writer is
free; with another connection holding the write lock the loop goes on with its other tasks, and the command
happens once the lock is free; on PostgreSQL they run in a worker thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from engine import AsyncEngine, InstanceView

T = TypeVar("T")
FLOW: dict[str, Any] = {
    "id": "door",
    "title": "A door: knocked on while open",
    "initial": "open",
    "states": {
        "open": {"type": "wait", "duration": "P1D"},
        "review": {"type": "approval", "approvers": {"roles": ["staff"]}},
        "closed": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "open", "trigger": "knock", "dest": "open"},  # a repeat would be recorded twice
        {"source": "open", "trigger": "ask", "dest": "review"},
        {"source": "open", "trigger": "done", "dest": "refused"},
        {"source": "review", "trigger": "approve", "dest": "closed"},
        {"source": "review", "trigger": "reject", "dest": "refused"},
    ],
}


def _run(scenario: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on a thread of its own, as an application's event loop would be (a test process that drove
    a browser before keeps Playwright's loop on its main thread)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, scenario).result()


def _threads_of(engine: AsyncEngine, name: str) -> list[int]:
    """The threads the synchronous engine's `name` is called on, from now on."""
    seen: list[int] = []
    original: Callable[..., Any] = getattr(engine.engine, name)

    def noted(*args: Any, **kwargs: Any) -> Any:
        seen.append(threading.get_ident())
        return original(*args, **kwargs)

    setattr(engine.engine, name, noted)
    return seen


def test_start_send_and_approve_run_on_the_loop_thread_on_sqlite(tmp_path: Path) -> None:
    async def main() -> tuple[int, dict[str, list[int]], InstanceView]:
        async with AsyncEngine(f"sqlite:///{tmp_path / 'loop.db'}") as engine:
            await engine.deploy(FLOW)
            seen = {name: _threads_of(engine, name) for name in ("start", "send", "approve")}
            started = await engine.start("door")
            await engine.send(started.id, "knock")
            await engine.send(started.id, "ask")
            view = await engine.approve(started.id, actor="ann", roles=["staff"])
            return threading.get_ident(), seen, view

    loop_thread, seen, view = _run(main())
    assert seen == {"start": [loop_thread], "send": [loop_thread, loop_thread], "approve": [loop_thread]}
    assert view.state == "closed"


def test_a_busy_writer_is_waited_for_without_blocking_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"

    async def main() -> tuple[int, list[int], int, int]:
        async with AsyncEngine(f"sqlite:///{path}") as engine:
            await engine.deploy(FLOW)
            started = await engine.start("door")
            sends = _threads_of(engine, "send")
            holding, release = threading.Event(), threading.Event()

            def hold_the_writer() -> None:  # another connection, as another process would
                other = sqlite3.connect(path, isolation_level=None)
                other.execute("BEGIN IMMEDIATE")
                holding.set()
                release.wait(10)
                other.execute("COMMIT")
                other.close()

            holder = threading.Thread(target=hold_the_writer)
            holder.start()
            holding.wait(10)
            ticks = 0

            async def tick() -> None:
                nonlocal ticks
                while True:
                    await asyncio.sleep(0.005)
                    ticks += 1

            ticking = asyncio.create_task(tick())
            sending = asyncio.create_task(engine.send(started.id, "knock"))
            await asyncio.sleep(0.3)  # the writer held all along: the send waits, the loop ticks
            assert not sending.done()
            ticked_while_held = ticks
            release.set()
            await sending
            ticking.cancel()
            holder.join(10)
            knocks = sum(1 for e in await engine.history(started.id) if e.event == "knock")
            return threading.get_ident(), sends, ticked_while_held, knocks

    loop_thread, sends, ticked, knocks = _run(main())
    assert ticked >= 10  # 0.3 s of 5 ms ticks; a loop blocked in SQLite's busy handler would tick none
    assert knocks == 1
    assert sends[0] == loop_thread  # tried on the loop while busy (refused at once, nothing done) ...
    assert sends[-1] != loop_thread  # ... then, past its patience, queued for the writer in a worker thread


@pytest.mark.postgres
def test_commands_run_in_a_worker_thread_on_postgresql(postgres_database_url: str) -> None:
    async def main() -> tuple[int, list[int]]:
        async with AsyncEngine(postgres_database_url) as engine:
            await engine.deploy(FLOW)
            sends = _threads_of(engine, "send")
            started = await engine.start("door")
            started_at = time.monotonic()
            await engine.send(started.id, "knock")
            assert time.monotonic() - started_at < 60
            return threading.get_ident(), sends

    loop_thread, sends = _run(main())
    assert len(sends) == 1
    assert sends[0] != loop_thread
