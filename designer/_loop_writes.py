"""Where the app's starts and sends are written (`engine.runtime.loop_writes.LoopBatches`, installed in the app's
state as `batches`): those made by requests that arrived together are written together, on the event loop's own
thread when SQLite's single writer is free, else in one of the app's worker threads (anyio's, which Litestar's
synchronous handlers share)."""

from __future__ import annotations

from anyio import to_thread

from engine.runtime import loop_writes
from engine.runtime.engine import Engine

__all__ = ["loop_batches"]


def loop_batches(engine: Engine) -> loop_writes.LoopBatches:
    """Where the app's starts and sends meet to be written together, their fallback in the app's worker threads."""
    return loop_writes.LoopBatches(engine, in_thread=to_thread.run_sync)
