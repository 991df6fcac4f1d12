"""An engine command from a coroutine: on the event loop's own thread when the database takes one writer at a
time and that writer is free, else in a worker thread.

On SQLite a command is a fraction of a millisecond of CPU, while handing it to a worker thread costs more than
the write itself (the designer's API, server CPU per send: about 1.0 ms in a thread, 0.6 ms on the loop): the
sqlite3 module releases the GIL around each call, and each release lets the loop's thread in, so the two threads
trade the GIL a dozen times per command. The loop must never sleep in SQLite's busy handler, though, so the
command is refused before it starts when the writer is busy (`writes_without_waiting`: another thread's write,
another process's — a `statewright worker` on the same file), and tried again after a pause the loop spends on
its other tasks. A writer still busy after `PATIENCE_S` (a long write, a busy worker fleet) gets the call in a
worker thread, where it queues for the writer as any other thread does. On PostgreSQL every command goes to a
thread: its writers run side by side, each waiting on the network.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from engine.errors import WriterBusy
from engine.runtime.engine import Engine, writes_without_waiting

__all__ = ["PATIENCE_S", "write_soon"]

T = TypeVar("T")

_FIRST_PAUSE_S = 0.0005
_LONGEST_PAUSE_S = 0.01
PATIENCE_S = 0.1


async def _in_thread(call: Callable[[], T]) -> T:
    return await asyncio.to_thread(call)


async def write_soon(engine: Engine, call: Callable[[], T],
                     in_thread: Callable[[Callable[[], T]], Awaitable[T]] = _in_thread) -> T:
    """`call()` — one engine command — run on this thread once the database's single writer is free, else (on
    PostgreSQL, or after `PATIENCE_S` of a busy writer) by `in_thread` (`asyncio.to_thread` by default)."""
    if engine.single_writer:
        pause, give_up = _FIRST_PAUSE_S, time.monotonic() + PATIENCE_S
        while True:
            try:
                with writes_without_waiting():
                    return call()
            except WriterBusy:
                pass  # nothing was done
            if time.monotonic() + pause > give_up:
                break
            await asyncio.sleep(pause)
            pause = min(pause * 2, _LONGEST_PAUSE_S)
    return await in_thread(call)
