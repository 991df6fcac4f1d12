"""Commands written together: several commands' work in one transaction — one commit, and one writer's lock taken
once — each getting the answer it would have got on its own.

What one command raises leaves the batch: the transaction is rolled back and the others run again together
without it (it is then made alone by its caller, where it raises the same error, or retries as it would alone). A
batch run `tries` times without being written, or that fails at its commit, leaves every command in it to be made
alone. A batch stops taking
commands once it has held the transaction `budget_s` (the rest are left for the next batch). So each command
commits exactly once and answers as it would alone; only an inline handler in a chain may run once more than alone
(as it may anyway after a conflict). Used by starts made at once on PostgreSQL (`engine.runtime.combined_starts`)
and by commands made in one turn of an event loop on SQLite (`engine.runtime.loop_writes`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from storage.errors import WriterBusy
from storage.transaction import Store, Transaction

__all__ = ["BATCH_TRIES", "Together", "write_together"]

T = TypeVar("T")

BATCH_TRIES = 2  # by default a batch runs again without the command that raised once; then each is made alone


@dataclass
class Together(Generic[T]):
    """What became of a batch: the answers of the commands written (by their index), and those not reached within
    the budget; every other command is to be made alone."""

    written: dict[int, T] = field(default_factory=dict)
    unreached: list[int] = field(default_factory=list)


class _Raised(Exception):
    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index


def write_together(store: Store, works: Sequence[Callable[[Transaction], T]], *, budget_s: float = 0.05,
                   clock: Callable[[], float] = time.monotonic, tries: int = BATCH_TRIES,
                   each_try: Callable[[], AbstractContextManager[object]] = nullcontext) -> Together[T]:
    """Write `works` (two or more) in one transaction, in their order (see the module's doc); each try's
    transaction begun inside `each_try()` (`writes_without_waiting`: a loop's batch never waits for the writer,
    its first try nor the next). The store's `WriterBusy` (the writer was not free at once) is raised as it is:
    nothing of the batch was written, and each command is to be made alone."""
    pending = list(range(len(works)))
    for _ in range(tries):
        if len(pending) < 2:
            return Together()
        answers: list[T] = []
        try:
            with each_try(), store.write() as tx:
                stop_at = clock() + budget_s
                for index in pending:
                    if answers and clock() > stop_at:
                        break
                    try:
                        answers.append(works[index](tx))
                    except Exception as exc:
                        raise _Raised(index) from exc
        except _Raised as raised:
            pending.remove(raised.index)
            continue
        except WriterBusy:
            raise
        except Exception:  # noqa: BLE001 - at its commit (a conflict, a lost connection): each on its own
            return Together()
        return Together(dict(zip(pending, answers, strict=False)), pending[len(answers):])
    return Together()
