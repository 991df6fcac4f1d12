"""An engine write from an async handler (`engine.runtime.loop_writes.write_soon`): on the event loop's own
thread when SQLite's single writer is free, else in one of the app's worker threads (anyio's, which Litestar's
synchronous handlers share). Starts and sends made by requests that arrived together are written together
(`loop_batches`, installed in the app's state as `batches`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from anyio import to_thread

from engine.runtime import loop_writes
from engine.runtime.engine import Engine

__all__ = ["loop_batches", "write_soon"]

T = TypeVar("T")


async def write_soon(engine: Engine, call: Callable[[], T]) -> T:
    """`call()` — one engine command — on this thread once the writer is free, else in a worker thread."""
    return await loop_writes.write_soon(engine, call, to_thread.run_sync)


def loop_batches(engine: Engine) -> loop_writes.LoopBatches:
    """Where the app's starts and sends meet to be written together, their fallback in the app's worker threads."""
    return loop_writes.LoopBatches(engine, in_thread=to_thread.run_sync)
