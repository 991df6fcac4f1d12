"""An engine write from an async handler: on the event loop's own thread when the database takes one writer at a
time, else in a worker thread.

On SQLite a `send` is a fraction of a millisecond of CPU, while handing it to a worker thread cost more than the
write itself (bench_api, server CPU per send: about 1.0 ms in a thread, 0.6 ms on the loop): the sqlite3 module
releases the GIL around each call, and each release lets the loop's thread in, so the two threads trade the GIL
a dozen times per request. The loop must never sleep in SQLite's busy handler, though, so the write is refused
before it starts when the writer is busy (`writes_without_waiting`: another thread's write, another
process's — a `statewright worker` on the same file, the account store touching a token), and tried again after
a pause the loop spends on other requests. A writer still busy after `_PATIENCE_S` (a long write, a busy worker
fleet) gets the call in a worker thread, where it queues for the writer as any other thread does. On PostgreSQL
every write goes to a thread: its writers run side by side, each waiting on the network.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import anyio
from anyio import to_thread

from engine.errors import WriterBusy
from engine.runtime.engine import Engine, writes_without_waiting

__all__ = ["write_soon"]

T = TypeVar("T")

_FIRST_PAUSE_S = 0.0005
_LONGEST_PAUSE_S = 0.01
_PATIENCE_S = 0.1


async def write_soon(engine: Engine, call: Callable[[], T]) -> T:
    """`call()` — one engine command — run on this thread once the database's single writer is free, else (on
    PostgreSQL, or after `_PATIENCE_S` of a busy writer) in a worker thread."""
    if engine.single_writer:
        pause, give_up = _FIRST_PAUSE_S, time.monotonic() + _PATIENCE_S
        while True:
            try:
                with writes_without_waiting():
                    return call()
            except WriterBusy:
                pass  # nothing was done
            if time.monotonic() + pause > give_up:
                break
            await anyio.sleep(pause)
            pause = min(pause * 2, _LONGEST_PAUSE_S)
    return await to_thread.run_sync(call)
