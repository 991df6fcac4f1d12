"""The job outbox. Workers claim ready jobs with a lease and renew it while they work (a heartbeat); a lapsed
lease makes a job claimable again, as its next attempt: the attempt whose worker stopped counts.

On PostgreSQL the claim is `SELECT … FOR UPDATE SKIP LOCKED` inside the `UPDATE … RETURNING`, so concurrent
workers never wait on each other's rows. On SQLite the write transaction (`BEGIN IMMEDIATE`) already makes the
`UPDATE … RETURNING` atomic. Finishing a job is guarded by the lease owner: a worker whose lease lapsed and was
taken over cannot finish the job a second time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storage.codec import dump, dump_optional, load, load_optional
from storage.errors import StoreError
from storage.records import record
from storage.statuses import JobStatus
from storage.transaction import Row, Transaction

__all__ = ["JobRecord", "JobStore"]

_COLUMNS = (
    "id, kind, instance_id, idempotency_key, payload, status, attempt, due_at, lease_owner, lease_expires, last_error"
)
_CLAIMABLE = "(status = 'ready' AND due_at <= ?) OR (status = 'running' AND lease_expires <= ?)"
_TAKE = "UPDATE jobs SET status = 'running', lease_owner = ?, lease_expires = ?, updated_at = ?"
_RETAKE = f"{_TAKE}, attempt = attempt + 1"  # a lapsed lease: its attempt is over, the next one begins
# The two walks of `claim`: of the jobs whose lease lapsed, one at most; of the ready ones, up to a limit (`{limit}`:
# a `?`, or an expression that is 0 when a lapsed job was taken or waits). On PostgreSQL each locks the rows it
# takes (`{lock}`).
_LAPSED_WALK = (f"{_RETAKE} WHERE id IN (SELECT id FROM jobs WHERE status = 'running' AND lease_expires <= ? "  # noqa: S608
                "ORDER BY lease_expires, id LIMIT 1{lock}) RETURNING " + _COLUMNS)
_READY_WALK = (f"{_TAKE} WHERE id IN (SELECT id FROM jobs WHERE status = 'ready' AND due_at <= ? "  # noqa: S608
               "ORDER BY due_at, id LIMIT {limit}{lock}) RETURNING " + _COLUMNS)
# the limit of a ready walk that takes nothing while a lapsed job waits to be taken alone (its parameters: now, limit)
_UNLESS_LAPSED = ("CASE WHEN EXISTS (SELECT 1 FROM jobs WHERE status = 'running' AND lease_expires <= ?) "
                  "THEN 0 ELSE ? END")
_SKIP_LOCKED = " FOR UPDATE SKIP LOCKED"
# PostgreSQL: both walks in one statement (one round trip); they touch different rows (running, ready), and the
# ready walk takes nothing if the lapsed one took a job.
_NONE_IF_LAPSED_TAKEN = "CASE WHEN EXISTS (SELECT 1 FROM lapsed) THEN 0 ELSE ? END"
_CLAIM_BOTH = (
    f"WITH lapsed AS ({_LAPSED_WALK.format(lock=_SKIP_LOCKED)}), "  # noqa: S608
    f"ready AS ({_READY_WALK.format(limit=_NONE_IF_LAPSED_TAKEN, lock=_SKIP_LOCKED)}) "
    f"SELECT TRUE, {_COLUMNS} FROM lapsed UNION ALL SELECT FALSE, {_COLUMNS} FROM ready"
)
_CLAIM_LAPSED = _LAPSED_WALK.format(lock="")
_CLAIM_READY = _READY_WALK.format(limit="?", lock="")
_CLAIM_READY_UNLESS_LAPSED = {
    postgresql: _READY_WALK.format(limit=_UNLESS_LAPSED, lock=_SKIP_LOCKED if postgresql else "")
    for postgresql in (False, True)
}
_ENQUEUE = (
    "INSERT INTO jobs (kind, instance_id, idempotency_key, payload, status, attempt, due_at, last_error, created_at, "
    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING"
)
# The statuses and kinds written as exact `str`s: sqlite3 binds a subclass of `str` (a `StrEnum` member) only after
# looking up an adapter for it, half a microsecond a parameter — more than the rest of a job's row costs to bind.
_READY = str(JobStatus.READY)

_FINISH = (
    "UPDATE jobs SET status = ?, last_error = ?, lease_owner = NULL, lease_expires = NULL, updated_at = ? "
    "WHERE id = ? AND lease_owner = ? AND status = 'running'"
)


@record
class JobRecord:
    id: int
    kind: str
    instance_id: str | None
    idempotency_key: str
    payload: dict[str, Any]
    status: str
    attempt: int
    due_at: float
    lease_owner: str | None
    lease_expires: float | None
    last_error: Any
    reclaimed: bool = False  # taken after its lease lapsed: attempt `attempt - 1` was lost with its worker
    unsent: bool = False  # enqueued by this transaction and not written yet (`JobStore.take_unsent`); no id yet


def _record(row: Row, *, reclaimed: bool = False) -> JobRecord:
    return JobRecord(
        id=int(row[0]), kind=row[1], instance_id=row[2], idempotency_key=row[3], payload=load(row[4]),
        status=row[5], attempt=int(row[6]), due_at=float(row[7]), lease_owner=row[8],
        lease_expires=None if row[9] is None else float(row[9]), last_error=load_optional(row[10]),
        reclaimed=reclaimed,
    )


def _in_due_order(jobs: list[JobRecord]) -> list[JobRecord]:
    return sorted(jobs, key=lambda j: (j.due_at, j.id))  # RETURNING gives the rows in no set order


@dataclass(slots=True)
class _Unsent:
    """A job row deferred with the transaction's writes (`JobStore.enqueue`'s `defer`), read back by `take_unsent`
    and `settle_unsent` while it waits; called, its parameters, its payload encoded only then."""

    kind: str
    instance_id: str | None
    key: str
    payload: Any  # the Mapping enqueued, handed back as the JobRecord's payload
    text: str | Callable[[], str] | None
    status: str
    attempt: int
    due_at: float
    last_error: str | None
    created_at: float
    updated_at: float

    def __call__(self) -> tuple[Any, ...]:
        text = self.text
        encoded = dump(self.payload) if text is None else text if isinstance(text, str) else text()
        return (self.kind, self.instance_id, self.key, encoded, self.status, self.attempt, self.due_at,
                self.last_error, self.created_at, self.updated_at)


class JobStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def enqueue(
        self, *, kind: str, key: str, payload: Mapping[str, Any], due_at: float, now: float, instance_id: str | None,
        defer: bool = False, text: str | Callable[[], str] | None = None,
    ) -> bool:
        """Add a ready job; False if a job with this idempotency key exists already. With `defer`, the row goes
        with the transaction's deferred writes (a duplicate key is skipped then too) and True only means it is
        on its way, and `take_unsent` may take it while it waits. `text`: the payload's JSON when the caller has
        it already, or what gives it — called only when the row is sent (a job `take_unsent` took and finished
        in this transaction is never encoded)."""
        if defer:
            if self.tx.waiting(("job", key)) is None:  # else skipped, as the insert would skip a duplicate key
                row = _Unsent(str(kind), instance_id, key, payload, text, _READY, 1, due_at, None, now, now)
                self.tx.defer(_ENQUEUE, row, key=("job", key), note=row)
            return True
        encoded = dump(payload) if text is None else text if isinstance(text, str) else text()
        return self.tx.execute(_ENQUEUE, (str(kind), instance_id, key, encoded, _READY, 1, due_at, None, now,
                                          now)) == 1

    def take_unsent(self, keys: Sequence[str], *, owner: str, now: float, lease_s: float,
                    wanted: Callable[[str], bool]) -> list[JobRecord]:
        """Take the due action jobs under these idempotency keys that this transaction enqueued and has not sent
        yet, whose action `wanted` accepts — a worker running, in the transaction that moved their instances on,
        the tasks they entered (`engine.runtime.worker`). Each is held for `owner` in memory only: it is written
        once, as it ends (`settle_unsent`); if the transaction does not commit, it was never there."""
        taken = []
        for key in keys:
            waiting = self.tx.waiting(("job", key))
            if waiting is None:
                continue
            row: _Unsent = waiting[1]
            if (row.kind != "action" or row.status != _READY or row.due_at > now
                    or not wanted(row.payload["action"])):
                continue
            taken.append(JobRecord(  # positional (id, kind, instance, key, payload, status, attempt, due, lease
                # owner and expiry, last error, reclaimed, unsent): keywords cost as much again as the record
                0, row.kind, row.instance_id, key, row.payload, JobStatus.RUNNING, row.attempt, row.due_at, owner,
                now + lease_s, None, False, True))
        return taken

    def settle_unsent(self, job: JobRecord, *, status: JobStatus, now: float, error: Any = None,
                      attempt: int | None = None, due_at: float | None = None) -> None:
        """Write a job taken with `take_unsent` as it ends: failed, or ready again for its next `attempt` at
        `due_at` — the one row its enqueue, claim and finish would have left; done, no row at all (no worker will
        look for it: docs/runtime.md, "Inline actions"). (Sent meanwhile, when a statement on the jobs table came
        between, its row is updated to say how it ended.)"""
        attempt = job.attempt if attempt is None else attempt
        waiting = self.tx.waiting(("job", job.idempotency_key))
        if waiting is None:
            changed = self.tx.execute(
                "UPDATE jobs SET status = ?, attempt = ?, due_at = COALESCE(?, due_at), last_error = ?, "
                "updated_at = ? WHERE idempotency_key = ? AND status = 'ready'",
                (str(status), attempt, due_at, dump_optional(error), now, job.idempotency_key))
            if changed != 1:
                raise StoreError(f"the job {job.idempotency_key} is neither waiting nor ready in this transaction")
            return
        if status is JobStatus.DONE:
            self.tx.withdraw(("job", job.idempotency_key))
            return
        was: _Unsent = waiting[1]
        row = _Unsent(was.kind, was.instance_id, was.key, was.payload, was.text, str(status), attempt,
                      was.due_at if due_at is None else due_at, dump_optional(error), was.created_at, now)
        self.tx.defer(_ENQUEUE, row, key=("job", was.key), note=row)

    def claim(self, *, owner: str, now: float, lease_s: float, limit: int, lapsed: bool = True) -> list[JobRecord]:
        """Take up to `limit` runnable jobs for `owner`, in due order. Each walk is one statement over the
        (status, due_at) index that stops at its limit.

        A job whose lease lapsed — its worker died with it, and it may be what killed the worker — is taken
        alone: the claim that takes it takes nothing else, and only a worker with nothing in hand asks for it
        (`lapsed`), so that if it kills its worker again, no other job's attempt is lost with it (it comes back
        `reclaimed`, its attempt counted up). A worker with jobs in hand (`lapsed` False) takes no lapsed job,
        and no ready job either while one waits: it finishes what it holds, and then takes the lapsed job."""
        tx = self.tx
        if not lapsed:
            rows = tx.all(_CLAIM_READY_UNLESS_LAPSED[tx.postgresql], (owner, now + lease_s, now, now, now, limit))
            return _in_due_order([_record(r) for r in rows])
        if tx.postgresql:
            rows = tx.all(_CLAIM_BOTH, (owner, now + lease_s, now, now, owner, now + lease_s, now, now, limit))
            return _in_due_order([_record(r[1:], reclaimed=bool(r[0])) for r in rows])
        taken = tx.one(_CLAIM_LAPSED, (owner, now + lease_s, now, now))
        if taken is not None:
            return [_record(taken, reclaimed=True)]
        return _in_due_order([_record(r) for r in tx.all(_CLAIM_READY, (owner, now + lease_s, now, now, limit))])

    def claim_one(self, job_id: int, *, owner: str, now: float, lease_s: float) -> JobRecord | None:
        """Take one given job if it is runnable now."""
        row = self.tx.one(
            "UPDATE jobs SET status = 'running', lease_owner = ?, lease_expires = ?, updated_at = ? "  # noqa: S608
            f"WHERE id = ? AND ({_CLAIMABLE}) RETURNING {_COLUMNS}",
            (owner, now + lease_s, now, job_id, now, now),
        )
        return None if row is None else _record(row)

    def renew_leases(self, job_ids: list[int], *, owner: str, until: float) -> int:
        """Extend `owner`'s leases on these jobs to `until` (a heartbeat); a job another worker took over, or
        one finished, is left alone. How many were renewed."""
        if not job_ids:
            return 0
        marks = ", ".join("?" for _ in job_ids)
        return self.tx.execute(
            f"UPDATE jobs SET lease_expires = ? WHERE id IN ({marks}) AND lease_owner = ? "  # noqa: S608
            "AND status = 'running'",
            (until, *job_ids, owner),
        )

    def finish(self, job_id: int, *, owner: str, status: JobStatus, now: float, error: Any = None,
               defer: bool = False) -> bool:
        """Mark a claimed job done/failed; False if `owner` no longer holds it (its lease was taken over). With
        `defer`, the update goes with the transaction's deferred writes and True only means it is on its way: a
        lost lease then fails the transaction (`GuardFailed`) when they are sent."""
        params = (str(status), dump_optional(error), now, job_id, owner)  # an exact str: see _READY
        if defer:
            self.tx.defer(_FINISH, params, guarded=True)
            return True
        return self.tx.execute(_FINISH, params) == 1

    def note_error(self, job_id: int, *, owner: str, error: Any) -> None:
        """Replace a claimed job's `last_error` (what its next outcome reads: the retry rules' counts)."""
        self.tx.execute("UPDATE jobs SET last_error = ? WHERE id = ? AND lease_owner = ?",
                        (dump_optional(error), job_id, owner))

    def retry_later(self, job_id: int, *, owner: str, attempt: int, due_at: float, error: Any, now: float) -> bool:
        """Put a claimed job back as ready for its next attempt at `due_at`."""
        changed = self.tx.execute(
            "UPDATE jobs SET status = 'ready', attempt = ?, due_at = ?, last_error = ?, lease_owner = NULL, "
            "lease_expires = NULL, updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running'",
            (attempt, due_at, dump_optional(error), now, job_id, owner),
        )
        return changed == 1

    def hand_back(self, job_id: int, *, owner: str, due_at: float, now: float,
                  payload: Mapping[str, Any] | None = None) -> bool:
        """Put a claimed job back as ready at `due_at`, its attempt not counted: the claim was not an attempt (a
        worker without the job's handler lets another take it). `payload`: the job's payload to keep instead,
        when it is to say something new (when the job was first handed back). False if `owner` no longer holds
        it."""
        sql = ("UPDATE jobs SET status = 'ready', due_at = ?, lease_owner = NULL, lease_expires = NULL, "
               "updated_at = ?{payload} WHERE id = ? AND lease_owner = ? AND status = 'running'")
        if payload is None:
            return self.tx.execute(sql.format(payload=""), (due_at, now, job_id, owner)) == 1
        return self.tx.execute(sql.format(payload=", payload = ?"), (due_at, now, dump(payload), job_id, owner)) == 1

    def cancel_for_instance(self, instance_id: str, *, now: float) -> int:
        """Cancel the instance's action jobs that have not ended (its task was left). A running one keeps its
        lease's owner, so the worker running it can still record how the attempt ended (`release_cancelled`)."""
        return self.tx.execute(
            "UPDATE jobs SET status = 'cancelled', updated_at = ? "
            "WHERE instance_id = ? AND kind = 'action' AND status IN ('ready', 'running')",
            (now, instance_id),
        )

    def budget_held(self, tenant: str) -> float:
        """What the tenant's action jobs that have not ended hold of its budget: the per-task limits their agents
        set (`budget_limit`, in their payload) — the most each may still spend. A task entered while others run
        or wait counts them as spent already, so tasks started together cannot each take the same remainder."""
        limit = ("CAST(j.payload AS jsonb) ->> 'budget_limit'" if self.tx.postgresql
                 else "json_extract(j.payload, '$.budget_limit')")
        held = self.tx.scalar(
            f"SELECT COALESCE(SUM(CAST({limit} AS DOUBLE PRECISION)), 0) FROM jobs j "  # noqa: S608 - no input in it
            "JOIN instances i ON i.id = j.instance_id "
            "WHERE j.kind = 'action' AND j.status IN ('ready', 'running') AND i.tenant = ?", (tenant,))
        return float(held or 0.0)

    def release_cancelled(self, job_id: int, *, owner: str, now: float) -> bool:
        """Whether `owner` held this job when it was cancelled (its task left while its action ran); its lease is
        then let go. True once: the worker that ran the attempt records it, no other."""
        return self.tx.execute(
            "UPDATE jobs SET lease_owner = NULL, lease_expires = NULL, updated_at = ? "
            "WHERE id = ? AND lease_owner = ? AND status = 'cancelled'",
            (now, job_id, owner),
        ) == 1

    def find(self, key: str) -> JobRecord | None:
        row = self.tx.one(f"SELECT {_COLUMNS} FROM jobs WHERE idempotency_key = ?", (key,))  # noqa: S608
        return None if row is None else _record(row)

    def get(self, job_id: int) -> JobRecord | None:
        row = self.tx.one(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (job_id,))  # noqa: S608
        return None if row is None else _record(row)

    def for_instance(self, instance_id: str) -> list[JobRecord]:
        rows = self.tx.all(f"SELECT {_COLUMNS} FROM jobs WHERE instance_id = ? ORDER BY id", (instance_id,))  # noqa: S608
        return [_record(r) for r in rows]

    def for_instances(self, instance_ids: Sequence[str]) -> list[JobRecord]:
        """`for_instance` of several instances in one statement: each one's in id order, the instances in turn."""
        rows = self.tx.all_in(f"SELECT {_COLUMNS} FROM jobs", "instance_id", instance_ids,  # noqa: S608
                              order="instance_id, id")
        return [_record(r) for r in rows]

    def next_due(self) -> float | None:
        """When the next job becomes runnable (a ready job's due time or a running job's lease expiry)."""
        ready = self.tx.scalar("SELECT MIN(due_at) FROM jobs WHERE status = 'ready'")
        leased = self.tx.scalar("SELECT MIN(lease_expires) FROM jobs WHERE status = 'running'")
        times = [float(t) for t in (ready, leased) if t is not None]
        return min(times) if times else None
