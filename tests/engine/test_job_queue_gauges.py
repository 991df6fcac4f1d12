"""What `/metrics` tells the person on call about the job queue (`engine.read_models.job_queue`): per kind, the
tenant's jobs due and not taken, how long the oldest of them has been due, and the jobs a worker took whose lease
lapsed (stuck with a worker that died); and the deployment's live workers. On SQLite and PostgreSQL, with the
engine's own clock, its own claim and its own worker rows — nothing written by hand but one job due later."""

from __future__ import annotations

from engine.read_models.job_queue import JobQueue, KindBacklog, collect_job_queue
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.event_outbox import publish_in
from engine.runtime.live_workers import Advert
from storage.jobs import JobStore
from storage.transaction import Transaction

FLOW = {"id": "queued", "title": "Queued", "initial": "work",
        "states": {"work": {"type": "task", "action": "work"}, "end": {"type": "final"}},
        "transitions": [{"source": "work", "trigger": "done", "dest": "end"}]}
LEASE_S = 6.0


def _kind(queue: JobQueue, kind: str) -> KindBacklog:
    (found,) = [k for k in queue.kinds if k.kind == kind]
    return found


def test_a_tenants_queue_counts_its_due_jobs_their_age_and_lapsed_leases(database_url: str) -> None:
    clock = ManualClock(2_000_000_000.0)
    with Engine(database_url, clock=clock) as engine:
        engine.register("work", lambda request: None)  # no worker runs here: each task's job waits, ready
        engine.deploy(FLOW)
        first = [engine.start("queued", tenant="acme").id for _ in range(3)]
        gone = Advert("gone-worker", ["work"], lease_s=LEASE_S, started_at=clock.now())
        engine.runtime.write(lambda tx: gone.announce(tx, clock.now()))

        def take_the_oldest(tx: Transaction) -> int:
            (taken,) = JobStore(tx).claim(owner="gone-worker", now=clock.now(), lease_s=LEASE_S, limit=1)
            return taken.id

        engine.runtime.write(take_the_oldest)  # and its worker is never heard of again
        clock.advance(40)
        engine.start("queued", tenant="acme")
        engine.start("queued", tenant="globex")
        engine.runtime.write(lambda tx: publish_in(tx, tenant="acme", event_type="order.paid", payload={},
                                                   correlation_key=None, idempotency_key=None, now=clock.now()))
        engine.runtime.write(lambda tx: JobStore(tx).enqueue(  # a retry's job, due in a minute: not waiting yet
            kind="action", key="later", payload={}, due_at=clock.now() + 60, now=clock.now(), instance_id=first[0]))
        clock.advance(10)
        alive = Advert("live-worker", ["work"], lease_s=LEASE_S, started_at=clock.now())
        engine.runtime.write(lambda tx: alive.announce(tx, clock.now()))
        acme = collect_job_queue(engine.database, tenant="acme", now=clock.now())
        globex = collect_job_queue(engine.database, tenant="globex", now=clock.now())
        nobody = collect_job_queue(engine.database, tenant="initech", now=clock.now())
    assert [k.kind for k in acme.kinds] == ["action", "child_done", "deliver", "approval_notice", "notify"]
    assert _kind(acme, "action") == KindBacklog("action", ready=3, oldest_ready_s=50.0, lease_expired=1)
    assert _kind(acme, "deliver") == KindBacklog("deliver", ready=1, oldest_ready_s=10.0, lease_expired=0)
    assert _kind(acme, "notify") == KindBacklog("notify", ready=0, oldest_ready_s=0.0, lease_expired=0)
    assert _kind(globex, "action") == KindBacklog("action", ready=1, oldest_ready_s=10.0, lease_expired=0)
    assert _kind(globex, "deliver").ready == 0  # acme's event is acme's
    assert all((k.ready, k.lease_expired) == (0, 0) for k in nobody.kinds)
    assert (acme.workers_alive, globex.workers_alive, nobody.workers_alive) == (1, 1, 1)  # the deployment's


def _plans(engine: Engine, now: float) -> list[str]:
    """The query plans of the four job statements `collect_job_queue` runs for acme."""
    from engine.read_models import job_queue  # noqa: PLC0415 - its statements, to explain them

    found = []
    with engine.database.connect() as connection:
        explain = "EXPLAIN QUERY PLAN" if connection.dialect.name == "sqlite" else "EXPLAIN"
        for whose in job_queue._whose("acme"):  # the statements collect_job_queue runs
            for statement in (job_queue._ready(whose, now), job_queue._lease_expired(whose, now)):
                sql = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
                rows = connection.exec_driver_sql(f"{explain} {sql}".replace("%", "%%")).all()
                found.append("\n".join(str(row[-1]) for row in rows))
    return found


def test_the_counts_start_from_the_jobs_they_count(database_url: str) -> None:
    """With many finished jobs (most of the table's rows, as in any database that has run a while) and a tenant of
    many instances, no statement reads the whole `jobs` table; on SQLite each walks `jobs` first and looks each job's
    owner up — joined instead, SQLite's planner started from the tenant's instances (all of them, to find a few
    running jobs)."""
    clock = ManualClock(2_000_000_000.0)
    with Engine(database_url, clock=clock) as engine:
        engine.register("work", lambda request: None)
        engine.deploy(FLOW)
        mine = [engine.start("queued", tenant="acme").id for _ in range(200)]
        engine.start("queued", tenant="globex")

        def finished_jobs(tx: Transaction) -> None:
            for n in range(3_000):
                JobStore(tx).enqueue(kind="action", key=f"old:{n}", payload={}, due_at=clock.now() - 3_600,
                                     now=clock.now(), instance_id=mine[n % len(mine)])
            tx.execute("UPDATE jobs SET status = ? WHERE idempotency_key LIKE ?", ("done", "old:%"))
            tx.execute("ANALYZE")

        engine.runtime.write(finished_jobs)
        sqlite = engine.database.dialect.name == "sqlite"
        plans = _plans(engine, clock.now())
        assert _kind(collect_job_queue(engine.database, tenant="acme", now=clock.now()), "action").ready == 200
    for plan in plans:
        assert "Seq Scan on jobs" not in plan, plan  # PostgreSQL's whole table
        assert not any(line.startswith("SCAN jobs") for line in plan.splitlines()), plan  # SQLite's
        if sqlite:
            assert plan.startswith("SEARCH jobs USING INDEX"), plan
