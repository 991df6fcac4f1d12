"""The job queue as the person on call sees it: how much work is due that no worker has taken, how long the
longest-waiting job has been due, which jobs a worker took and then went silent on (their lease lapsed: the worker
died or stalled), and how many workers are alive — the gauges of `/metrics` (`designer.prometheus`) that page
someone when work piles up or nothing takes it.

A tenant's jobs are those of its instances (`jobs.instance_id`: action, child_done, approval_notice, notify) and
the deliveries of its events (`deliver` has no instance; its idempotency key is `event:<event id>`, made by
`engine.runtime.event_outbox.publish_in`). Workers are the deployment's, not a tenant's: they take every tenant's
jobs, and every tenant is shown the same count (who they are stays with `GET /api/workers`, for operators).

Cost: four statements (due, and lease lapsed; of instances, and of events), each walking an index of `jobs` over
little more than the rows it counts — `ix_jobs_status_due (status, due_at)` for a tenant's instances' jobs (the range
the workers' claim walks), `ix_jobs_instance_status` (no instance, then status) for event deliveries — never the
table's finished jobs, which are most of its rows. Each job found is read for its kind and its owner looked up by
primary key: a tenant is a condition on the owner, `EXISTS`, so the walk starts from `jobs` (joined, SQLite's planner
started from `instances` and read every one of them to find a few running jobs). The workers' count reads the
`workers` table, a row per worker.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from engine.read_models._reading import reading
from engine.runtime.job_payloads import JobKind
from storage.statuses import JobStatus
from storage.tables.core import table_of
from storage.tables.events import EventRow
from storage.tables.instances import InstanceRow
from storage.tables.jobs import JobRow
from storage.tables.workers import WorkerRow

__all__ = ["JobQueue", "KindBacklog", "collect_job_queue"]

_J = table_of(JobRow)
_I = table_of(InstanceRow)
_E = table_of(EventRow)
_W = table_of(WorkerRow)
_EVENT_KEY = "event:"  # a delivery job's idempotency key: `event:<event id>` (engine.runtime.event_outbox)


@dataclass(frozen=True, slots=True)
class KindBacklog:
    """One kind of job, now."""

    kind: str
    ready: int  # due and not taken by any worker
    oldest_ready_s: float  # how long the longest-waiting of them has been due; 0 when none is
    lease_expired: int  # taken by a worker whose lease lapsed before it finished: stuck until another takes it


@dataclass(frozen=True, slots=True)
class JobQueue:
    kinds: list[KindBacklog]  # every kind the engine makes, then any other found, in that order
    workers_alive: int  # the deployment's workers seen within their lease


@dataclass(slots=True)
class _Tally:
    ready: int = 0
    oldest_due: float | None = None
    lease_expired: int = 0

    def add(self, ready: int, oldest_due: float | None, lease_expired: int) -> None:
        self.ready += ready
        self.lease_expired += lease_expired
        if oldest_due is not None and (self.oldest_due is None or oldest_due < self.oldest_due):
            self.oldest_due = oldest_due


def _theirs(owner: sa.Table, on: sa.ColumnElement[bool], tenant: str) -> sa.Exists:
    """That the job's `owner` row (its instance, or its event) is the tenant's: a lookup by primary key for each
    job the index walk finds."""
    return sa.exists().where(on, owner.c.tenant == tenant)


def _ready(whose: sa.ColumnElement[bool], now: float) -> sa.Select[tuple[str, int, float | None]]:
    """Per kind, the jobs due and not taken, and the earliest due time among them. The condition is the claim's
    own (`storage.jobs`): a range of the (status, due_at) index."""
    return (sa.select(_J.c.kind, sa.func.count(), sa.func.min(_J.c.due_at))
            .where(_J.c.status == JobStatus.READY, _J.c.due_at <= now, whose).group_by(_J.c.kind))


def _lease_expired(whose: sa.ColumnElement[bool], now: float) -> sa.Select[tuple[str, int]]:
    """Per kind, the jobs taken whose lease lapsed: of the running jobs, a few per worker, found by the index's
    `status`."""
    return (sa.select(_J.c.kind, sa.func.count())
            .where(_J.c.status == JobStatus.RUNNING, _J.c.lease_expires <= now, whose).group_by(_J.c.kind))


def _whose(tenant: str) -> list[sa.ColumnElement[bool]]:
    """The tenant's jobs: those of its instances, and the deliveries of its events."""
    event_id = sa.cast(sa.func.substr(_J.c.idempotency_key, len(_EVENT_KEY) + 1), _E.c.id.type)
    deliveries = sa.and_(_J.c.kind == JobKind.DELIVER, _J.c.instance_id.is_(None),
                         _J.c.idempotency_key.startswith(_EVENT_KEY), _theirs(_E, _E.c.id == event_id, tenant))
    return [_theirs(_I, _I.c.id == _J.c.instance_id, tenant), deliveries]


def collect_job_queue(database: sa.Engine, *, tenant: str, now: float) -> JobQueue:
    """The tenant's job queue and the deployment's live workers at `now` (the engine's clock)."""
    tallies: dict[str, _Tally] = {str(kind): _Tally() for kind in JobKind}
    alive = sa.select(sa.func.count()).select_from(_W).where(_W.c.last_seen + _W.c.lease_s >= now)
    with reading(database) as connection:
        for whose in _whose(tenant):
            for kind, ready, oldest_due in connection.execute(_ready(whose, now)):
                tallies.setdefault(kind, _Tally()).add(int(ready), oldest_due, 0)
            for kind, lapsed in connection.execute(_lease_expired(whose, now)):
                tallies.setdefault(kind, _Tally()).add(0, None, int(lapsed))
        workers = int(connection.execute(alive).scalar_one())
    kinds = [KindBacklog(kind, t.ready, 0.0 if t.oldest_due is None else max(0.0, now - float(t.oldest_due)),
                         t.lease_expired) for kind, t in tallies.items()]
    return JobQueue(kinds=kinds, workers_alive=workers)

