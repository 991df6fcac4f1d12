"""The workers of a database as each says itself: a row per worker while it runs, its `last_seen` renewed by its
heartbeat, with the actions it has handlers for. A row whose `last_seen` is older than its `lease_s` is a worker
gone without a word (killed, its machine lost): never listed, and deleted by `prune`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storage.codec import dump, load
from storage.records import record
from storage.transaction import Transaction

__all__ = ["WorkerRecord", "WorkerStore"]

_COLUMNS = "owner, host, pid, started_at, last_seen, lease_s, actions"


@record
class WorkerRecord:
    owner: str  # the lease owner name its jobs are claimed under
    host: str
    pid: int
    started_at: float
    last_seen: float
    lease_s: float  # how long after `last_seen` it still counts as running
    actions: tuple[str, ...]  # sorted


def _worker(row: Sequence[Any]) -> WorkerRecord:
    owner, host, pid, started_at, last_seen, lease_s, actions = row
    return WorkerRecord(owner, host, int(pid), float(started_at), float(last_seen), float(lease_s),
                        tuple(load(actions)))


class WorkerStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def announce(self, worker: WorkerRecord) -> None:
        """Write the worker's row (replacing one of the same owner)."""
        self.tx.execute(
            f"INSERT INTO workers ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (owner) DO UPDATE SET "  # noqa: S608
            "host = excluded.host, pid = excluded.pid, started_at = excluded.started_at, "
            "last_seen = excluded.last_seen, lease_s = excluded.lease_s, actions = excluded.actions",
            (worker.owner, worker.host, worker.pid, worker.started_at, worker.last_seen, worker.lease_s,
             dump(sorted(worker.actions))),
        )

    def seen(self, owner: str, now: float) -> bool:
        """Renew the worker's `last_seen`; False when it has no row (never written, or pruned)."""
        return self.tx.execute("UPDATE workers SET last_seen = ? WHERE owner = ?", (now, owner)) > 0

    def remove(self, owner: str) -> bool:
        return self.tx.execute("DELETE FROM workers WHERE owner = ?", (owner,)) > 0

    def live(self, now: float) -> list[WorkerRecord]:
        """The workers seen within their lease at `now`, the longest-running first."""
        rows = self.tx.all(f"SELECT {_COLUMNS} FROM workers WHERE last_seen + lease_s >= ? "  # noqa: S608
                           "ORDER BY started_at, owner", (now,))
        return [_worker(row) for row in rows]

    def prune(self, now: float) -> int:
        """Delete the rows of the workers not seen within their lease at `now`; how many."""
        return self.tx.execute("DELETE FROM workers WHERE last_seen + lease_s < ?", (now,))
