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

Starts and sends made in the same turn of the loop — a server's requests that arrived together — are written
together (`LoopBatches`, `engine.runtime.together`): one transaction, one commit, the writer's lock taken once,
each command answered as it would be alone. Their chains of inline tasks are left to a worker, as for any command
made while others run beside it (`Engine.start_command`).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from engine.errors import WriterBusy
from engine.runtime.commands import Command
from engine.runtime.engine import Engine, writes_without_waiting
from engine.runtime.together import Together, write_together
from storage.errors import WriterBusy as StoreWriterBusy
from storage.transaction import Transaction

__all__ = ["BATCH_LIMIT", "BATCH_TRIES", "PATIENCE_S", "LoopBatches", "write_soon"]

T = TypeVar("T")

_FIRST_PAUSE_S = 0.0005
_LONGEST_PAUSE_S = 0.01
PATIENCE_S = 0.1
BATCH_LIMIT = 64  # commands written in one transaction, at most (the rest: the next batch)
# a batch runs again without each command that raised (a 404, a 409: requests' everyday errors) up to 3 times
BATCH_TRIES = 4


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


@dataclass
class _Made(Generic[T]):
    """A command waiting for its batch, with its caller's context and the future its caller awaits."""

    command: Command[T]
    context: contextvars.Context
    answer: asyncio.Future[T]

    def work(self, tx: Transaction) -> T:
        return self.context.run(self.command.work, tx)

    def resolve(self, answer: T) -> None:
        if not self.answer.done():  # else its caller went away (a request cancelled): what was written stays
            self.answer.set_result(answer)

    def fail(self, exc: Exception) -> None:
        if not self.answer.done():
            self.answer.set_exception(exc)


@dataclass
class _Turn:
    """The commands made on one loop since its batch was last taken."""

    made: list[_Made[Any]] = field(default_factory=list)
    taken: bool = True  # no batch is scheduled to take them


class LoopBatches:
    """Where the starts and sends made on an event loop meet, to be written together once per turn of the loop (see
    the module's doc). One per engine; any number of loops may use it, each with its own batches. On PostgreSQL
    each command is made alone in a worker thread, as `write_soon` makes it."""

    def __init__(self, engine: Engine, *, in_thread: Callable[[Callable[[], Any]], Awaitable[Any]] = _in_thread,
                 limit: int = BATCH_LIMIT) -> None:
        self.engine = engine
        self.in_thread = in_thread
        self.limit = limit
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Turn] = weakref.WeakKeyDictionary()
        self._writing: set[asyncio.Task[None]] = set()  # held until done (a loop keeps only weak references)
        self.batches = 0  # batches of two or more written (for tests and benchmarks)

    async def make(self, command: Command[T]) -> T:
        """The command's answer, once written (with those made in this turn of the loop, if any)."""
        if not self.engine.single_writer:
            return await write_soon(self.engine, command.alone, self.in_thread)
        loop = asyncio.get_running_loop()
        turn = self._turns.get(loop)
        if turn is None:
            turn = self._turns[loop] = _Turn()
        answer: asyncio.Future[T] = loop.create_future()
        turn.made.append(_Made(command, contextvars.copy_context(), answer))
        if turn.taken:  # the first of this turn: the batch is taken once the loop has run what is ready
            turn.taken = False
            loop.call_soon(self._take, loop, turn)
        return await answer

    def _take(self, loop: asyncio.AbstractEventLoop, turn: _Turn) -> None:
        batch, turn.made, turn.taken = turn.made, [], True
        for first in range(0, len(batch), self.limit):
            task = loop.create_task(self._write(batch[first:first + self.limit]))
            self._writing.add(task)
            task.add_done_callback(self._writing.discard)

    async def _write(self, batch: list[_Made[Any]]) -> None:
        """Write the batch together if SQLite's writer is free now; then make alone, each as its own caller would
        (`write_soon`, side by side), every command it did not write: one that raised, all of them after a failed
        commit, those it did not reach — and all of them when the writer was busy (another process writing): each
        then waits its turn as a command made alone does."""
        together: Together[Any] = Together()
        if len(batch) > 1:
            with contextlib.suppress(StoreWriterBusy):  # the writer busy: nothing of it was written
                together = write_together(self.engine.runtime.store, [made.work for made in batch],
                                          tries=BATCH_TRIES, each_try=writes_without_waiting)
            if together.written:
                self.batches += 1
        for index, made in enumerate(batch):
            if index in together.written:
                made.resolve(together.written[index])
        loop = asyncio.get_running_loop()
        alone = [loop.create_task(self._alone(made), context=made.context)  # in its caller's context
                 for index, made in enumerate(batch) if index not in together.written]
        if alone:
            await asyncio.gather(*alone)

    async def _alone(self, made: _Made[Any]) -> None:
        try:
            made.resolve(await write_soon(self.engine, made.command.alone, self.in_thread))
        except Exception as exc:  # noqa: BLE001 - the command's own error, for its caller to raise
            made.fail(exc)
