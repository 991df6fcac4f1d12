"""Change notices for the live pages: one poller per process asks the store, about once a second, for a cheap
fingerprint of each watched tenant's instances and approvals (and of the publication requests and the drafts),
and tells every subscriber of that tenant which of them changed. Pages then reload what they show; they need no
Refresh, and an open draft learns at once that it was saved elsewhere.

The fingerprints are aggregates the store answers from its indexes by tenant: the instances' count and latest
`updated_at`, the approvals' count, highest id and latest decision. Any transition, start, decision or new
request moves one of them. Publication requests and drafts belong to no tenant (every tenant's designers share
them): their fingerprints are the count and the latest `requested_at` / `updated_at` (indexed) of the whole table,
one aggregate query each — a draft saved moves its `updated_at` past every other, one created or deleted moves
the count.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import anyio.to_thread
import sqlalchemy as sa

from designer.store.drafts import DraftRow
from designer.store.publication_requests import PublicationRequestRow
from engine.database import reading, table_of
from engine.read_models.activity import activity_fingerprint

__all__ = ["CLOSED", "ChangeFeed", "Fingerprint"]

_REQUESTS = table_of(PublicationRequestRow)
_DRAFTS = table_of(DraftRow)
KINDS = ("instances", "approvals", "publications", "drafts")


@dataclass(frozen=True)
class Fingerprint:
    instances: tuple[object, ...]
    approvals: tuple[object, ...]
    publications: tuple[object, ...]
    drafts: tuple[object, ...]

    def changed_since(self, before: Fingerprint | None) -> list[str]:
        if before is None:
            return []
        return [kind for kind in KINDS if getattr(self, kind) != getattr(before, kind)]


def fingerprint(database: sa.Engine, tenant: str) -> Fingerprint:
    r, d = _REQUESTS.c, _DRAFTS.c
    with reading(database) as connection:
        instances, approvals = activity_fingerprint(connection, tenant)
        requests = connection.execute(sa.select(sa.func.count(), sa.func.max(r.requested_at))).one()
        drafts = connection.execute(sa.select(sa.func.count(), sa.func.max(d.updated_at))).one()
    return Fingerprint(instances, approvals, tuple(requests), tuple(drafts))


# What a subscriber's queue holds when the feed closes: no kinds changed, and no more notices will come.
CLOSED: list[str] = []


@dataclass(eq=False)  # each subscriber is itself, not equal to another of the same tenant
class _Subscriber:
    tenant: str
    queue: asyncio.Queue[list[str]] = field(default_factory=lambda: asyncio.Queue(maxsize=16))


class ChangeFeed:
    """Subscribe with `async with feed.subscribe(tenant) as notices`; one poll loop serves every subscriber."""

    def __init__(self, database: sa.Engine, *, interval_s: float = 1.0) -> None:
        self._database = database
        self._interval_s = interval_s
        self._subscribers: set[_Subscriber] = set()
        self._seen: dict[str, Fingerprint] = {}
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    def close(self) -> None:
        """The server is shutting down: every subscription gets `CLOSED` (its stream ends, so the server need not
        wait out its graceful-shutdown timeout for streams that never end), and a later one gets it at once. Call
        it on the event loop's thread."""
        self._closed = True
        for subscriber in list(self._subscribers):
            _tell(subscriber.queue, CLOSED)

    @contextlib.asynccontextmanager
    async def subscribe(self, tenant: str) -> AsyncIterator[asyncio.Queue[list[str]]]:
        """A queue of notices (each the kinds that changed) for `tenant`, while the block runs."""
        subscriber = _Subscriber(tenant)
        if self._closed:
            _tell(subscriber.queue, CLOSED)
        else:
            self._subscribers.add(subscriber)
            self._ensure_polling()
        try:
            yield subscriber.queue
        finally:
            self._subscribers.discard(subscriber)

    def _ensure_polling(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._poll())

    async def _poll(self) -> None:
        while self._subscribers:
            tenants = {s.tenant for s in self._subscribers}
            for tenant in tenants:
                with contextlib.suppress(sa.exc.SQLAlchemyError):  # a lost connection: try again next round
                    now = await anyio.to_thread.run_sync(fingerprint, self._database, tenant)
                    self._publish(tenant, now.changed_since(self._seen.get(tenant)))
                    self._seen[tenant] = now
            await asyncio.sleep(self._interval_s)
        self._seen.clear()

    def _publish(self, tenant: str, kinds: list[str]) -> None:
        if not kinds:
            return
        for subscriber in list(self._subscribers):
            if subscriber.tenant == tenant:
                _tell(subscriber.queue, kinds)


def _tell(queue: asyncio.Queue[list[str]], kinds: list[str]) -> None:
    if kinds is CLOSED:  # the last word, even to a stalled reader: room is made for it
        with contextlib.suppress(asyncio.QueueEmpty):
            while queue.full():
                queue.get_nowait()
    with contextlib.suppress(asyncio.QueueFull):  # a stalled reader: it catches up on the next notice
        queue.put_nowait(kinds)
