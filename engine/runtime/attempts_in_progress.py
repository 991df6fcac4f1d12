"""The task a handler runs for, known to the side writes it makes while it runs — so a write that is not
idempotent by nature is applied once however many attempts repeat it.

`memory.append` is such a write: a handler that appends to a list and then fails (a model call that times out
after it) appends again on its retry, and the list holds the item twice. Each append made inside an attempt is
numbered per memory key (the first append to 'escalations' in an attempt is 1, the next 2, …) and recorded with
a receipt keyed by the task's `idempotency_key` — the same for every attempt of one visit to the task, and for
its redrive — so the same append (the same number, the same item) made by a later attempt finds its receipt and
adds nothing. An append the earlier attempt did not make, or made with another item, is applied.

The attempt is a context variable, set on the thread the handler runs on (and copied into the event loop of an
async handler); code outside any handler (`engine.memory` in an application) is in no attempt and appends each
time it is called.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from contextvars import ContextVar

__all__ = ["Attempt", "current_attempt", "in_attempt"]


class Attempt:
    """One attempt of one task visit: its idempotency key, and how many side writes of each name it made."""

    __slots__ = ("_counts", "_lock", "instance_id", "key")

    def __init__(self, key: str, instance_id: str) -> None:
        self.key, self.instance_id = key, instance_id
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()  # a handler may write from threads of its own (parallel tool calls)

    def number(self, name: str) -> int:
        """The next number of the side write called `name` in this attempt: 1, 2, …"""
        with self._lock:
            self._counts[name] = self._counts.get(name, 0) + 1
            return self._counts[name]


_CURRENT: ContextVar[Attempt | None] = ContextVar("statewright_attempt", default=None)


def current_attempt() -> Attempt | None:
    """The attempt the calling code runs in, or None outside any handler."""
    return _CURRENT.get()


class _InAttempt:
    """`in_attempt`'s block: a class rather than a generator context manager, whose set-up cost more than the
    rest of a trivial handler's call (every inline task of a chain runs in one)."""

    __slots__ = ("_attempt", "_token")

    def __init__(self, attempt: Attempt | None) -> None:
        self._attempt = attempt

    def __enter__(self) -> None:
        self._token = _CURRENT.set(self._attempt)

    def __exit__(self, *_exc: object) -> None:
        _CURRENT.reset(self._token)


def in_attempt(idempotency_key: str | None, instance_id: str) -> AbstractContextManager[None]:
    """Run the block as a new attempt of the task with this key, of this instance (no key: as no attempt)."""
    return _InAttempt(None if not idempotency_key else Attempt(idempotency_key, instance_id))
