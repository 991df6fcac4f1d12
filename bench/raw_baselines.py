"""The baselines: what the engine writes, done by hand with the bare drivers on the engine's own tables.

- `raw_sqlite_transitions`: the two writes any transition needs — INSERT a history row, UPDATE the instance
  row under its version — one transaction per transition (or `per_commit` per transaction); with
  `as_engine_sends`, every statement the engine's `send` to a waiting instance runs — read the instance,
  move its event wait on to the state entered, update it, append history.
- `raw_sqlite_task_transitions`: the writes the engine's worker makes for each task of a chain.
- `raw_psycopg_transitions`: the two writes on PostgreSQL, over one or more connections.

Only `sqlite3`, `psycopg` and the standard library are imported here (a spawned process for the PostgreSQL
connections loads nothing else), and nothing of the engine: this is the program a careful person would write
without it.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import time
import uuid
from typing import Any

from bench.cpu_busy import cpu_busy

__all__ = ["raw_psycopg_transitions", "raw_sqlite_task_transitions", "raw_sqlite_transitions"]

HISTORY = (
    "INSERT INTO history (instance_id, seq, from_state, to_state, event, actor, payload, context_change, status, "
    "guards, policies, at, duration_s, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# The status is left out when it stays as it is (here: always), as the engine does: SQLite rewrites the entries of
# every index on a column the SET names, changed or not.
UPDATE = (
    "UPDATE instances SET state = ?, context = ?, result = ?, error = ?, version = ?, updated_at = ? "
    "WHERE id = ? AND version = ?"
)
# As the engine updates an instance whose context its transition left as it was (a send with no assignment).
UPDATE_KEEPING_CONTEXT = (
    "UPDATE instances SET state = ?, result = ?, error = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?"
)
INSTANCE = (
    "INSERT INTO instances (id, workflow_id, workflow_version, branch, tenant, state, status, context, version, "
    "created_at, updated_at) VALUES (?, 'raw', 1, '', 'default', 'a', 'running', ?, 0, ?, ?)"
)
SELECT = (
    "SELECT id, workflow_id, workflow_version, branch, tenant, state, status, context, result, error, version, "
    "parent_id, parent_seq, created_at, updated_at FROM instances WHERE id = ?"
)
OPEN_WAIT = (
    "INSERT INTO event_waits (instance_id, seq, tenant, event_type, correlation_key, status) "
    "VALUES (?, 0, 'default', 'never', NULL, 'waiting')"
)
REARM_WAIT = (
    "UPDATE event_waits SET seq = ?, correlation_key = NULL "
    "WHERE instance_id = ? AND status = 'waiting' AND event_type = 'never'"
)
STATES = ("a", "b")


def _rows(instance_id: str, seq: int, context: dict[str, Any]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The history row and the instance update of transition `seq` (a → b → a …, the payload and context
    serialised as the engine serialises them)."""
    now = time.time()
    source, dest = STATES[(seq - 1) % 2], STATES[seq % 2]
    history = (instance_id, seq, source, dest, "go", None, json.dumps({"k": seq}), None, "running", None, None,
               now, 0.0, None)
    update = (dest, json.dumps(context), None, None, seq, now, instance_id, seq - 1)
    return history, update


def raw_sqlite_transitions(path: str, count: int, *, per_commit: int = 1, as_engine_sends: bool = False) -> float:
    """Transitions per second on the SQLite file at `path` (already holding the engine's tables), in WAL mode
    with synchronous=NORMAL, as the engine runs it."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        instance_id = uuid.uuid4().hex
        context = {"n": 1, "email": "ann@example.com"}
        connection.execute(INSTANCE, (instance_id, json.dumps(context), time.time(), time.time()))
        if as_engine_sends:
            connection.execute(OPEN_WAIT, (instance_id,))
        started = time.perf_counter()
        seq = 0
        while seq < count:
            connection.execute("BEGIN IMMEDIATE")
            for _ in range(min(per_commit, count - seq)):
                seq += 1
                history, update = _rows(instance_id, seq, context)
                if as_engine_sends:
                    connection.execute(SELECT, (instance_id,)).fetchone()
                    connection.execute(REARM_WAIT, (seq, instance_id))
                    connection.execute(UPDATE_KEEPING_CONTEXT, (update[0], *update[2:]))
                else:
                    connection.execute(UPDATE, update)
                connection.execute(HISTORY, history)
            connection.execute("COMMIT")
        return count / (time.perf_counter() - started)
    finally:
        connection.close()


RECLAIM = (
    "UPDATE jobs SET status = 'running', lease_owner = 'raw', lease_expires = ?, updated_at = ? WHERE id IN "
    "(SELECT id FROM jobs WHERE status = 'running' AND lease_expires <= ? ORDER BY lease_expires, id LIMIT 1) "
    "RETURNING id, instance_id, payload"
)
CLAIM = (
    "UPDATE jobs SET status = 'running', lease_owner = 'raw', lease_expires = ?, updated_at = ? WHERE id IN "
    "(SELECT id FROM jobs WHERE status = 'ready' AND due_at <= ? ORDER BY due_at, id LIMIT 1) "
    "RETURNING id, instance_id, payload"
)
FINISH = (
    "UPDATE jobs SET status = 'done', last_error = NULL, lease_owner = NULL, lease_expires = NULL, updated_at = ? "
    "WHERE id = ? AND lease_owner = 'raw' AND status = 'running'"
)
ENQUEUE = (
    "INSERT INTO jobs (kind, instance_id, idempotency_key, payload, status, attempt, due_at, created_at, updated_at) "
    "VALUES ('action', ?, ?, ?, 'ready', 1, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING"
)
ATTEMPT = (
    "INSERT INTO action_attempts (instance_id, task_seq, attempt, state, action, agent, outcome, error, steps, cost, "
    "at) VALUES (?, ?, 1, ?, 'step', NULL, 'done', NULL, NULL, NULL, ?) ON CONFLICT (instance_id, task_seq, attempt) "
    "DO NOTHING"
)
TASK_UPDATE = "UPDATE instances SET state = ?, context = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?"
LAST_TASK_UPDATE = (
    "UPDATE instances SET state = ?, status = 'succeeded', context = ?, version = ?, updated_at = ? "
    "WHERE id = ? AND version = ?"
)


def _enqueue(connection: sqlite3.Connection, instance_id: str, seq: int, now: float) -> None:
    payload = {"seq": seq, "state": f"s{seq - 1}", "action": "step", "input": {"i": str(seq - 1)}}
    connection.execute(ENQUEUE, (instance_id, f"{instance_id}:{seq}", json.dumps(payload), now, now, now))


def raw_sqlite_task_transitions(path: str, instances: int, steps: int, *, per_commit: int = 1) -> float:
    """Transitions per second of a program taking `instances` chains of `steps` tasks to their end by hand on
    the engine's tables, with the writes the engine's worker makes for each task, one transaction per
    transition: claim the next job under a lease (one whose lease lapsed, else the next ready one), read its
    instance, mark the job done, record the attempt, update the instance under its version, append history,
    queue the next task's job. The one-commit-per-transition ceiling that group commit has to pass (with
    `per_commit`, that many transitions per transaction: the best a group commit of these writes could do)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        now = time.time()
        connection.execute("BEGIN IMMEDIATE")
        for _ in range(instances):
            instance_id = uuid.uuid4().hex
            connection.execute(INSTANCE.replace("'a'", "'s0'"), (instance_id, json.dumps({"n": 1}), now, now))
            _enqueue(connection, instance_id, 1, now)
        connection.execute("COMMIT")
        started, done = time.perf_counter(), 0
        connection.execute("BEGIN IMMEDIATE")
        while True:
            now = time.time()
            claimed = (connection.execute(RECLAIM, (now + 30, now, now)).fetchone()
                       or connection.execute(CLAIM, (now + 30, now, now)).fetchone())
            if claimed is None:
                connection.execute("COMMIT")
                break
            job_id, instance_id, payload = claimed[0], claimed[1], json.loads(claimed[2])
            row = connection.execute(SELECT, (instance_id,)).fetchone()
            seq, context = int(row[10]) + 1, json.loads(row[7])
            context[f"out{seq - 1}"] = {"i": payload["input"]["i"], "attempt": 1}
            last = seq == steps
            dest = "end" if last else f"s{seq}"
            connection.execute(FINISH, (now, job_id))
            connection.execute(ATTEMPT, (instance_id, seq - 1, payload["state"], now))
            connection.execute(LAST_TASK_UPDATE if last else TASK_UPDATE,
                               (dest, json.dumps(context), seq, now, instance_id, seq - 1))
            connection.execute(HISTORY, (instance_id, seq, payload["state"], dest, "done", None,
                                         json.dumps(context[f"out{seq - 1}"]), None, "running", None, None, now, 0.0,
                                         None))
            if not last:
                _enqueue(connection, instance_id, seq + 1, now)
            done += 1
            if done % per_commit == 0:
                connection.execute("COMMIT")
                connection.execute("BEGIN IMMEDIATE")
        return done / (time.perf_counter() - started)
    finally:
        connection.close()


def _psycopg_connection(conninfo: str, search_path: str | None) -> Any:
    import psycopg  # noqa: PLC0415 - only where PostgreSQL is measured

    options = f"-csearch_path={search_path}" if search_path else None
    return psycopg.connect(conninfo, options=options) if options else psycopg.connect(conninfo)


def _psycopg_client(conninfo: str, search_path: str | None, count: int, barrier: Any, results: Any) -> None:
    """One connection: `count` transactions of one transition each, timed from the shared start."""
    history_sql, update_sql = HISTORY.replace("?", "%s"), UPDATE.replace("?", "%s")
    with _psycopg_connection(conninfo, search_path) as connection:
        instance_id = uuid.uuid4().hex
        context = {"n": 1, "email": "ann@example.com"}
        connection.execute(INSTANCE.replace("?", "%s"), (instance_id, json.dumps(context), time.time(), time.time()))
        connection.commit()
        barrier.wait()
        started = time.perf_counter()
        for seq in range(1, count + 1):
            history, update = _rows(instance_id, seq, context)
            with connection.cursor() as cursor:
                cursor.execute(update_sql, update)
                cursor.execute(history_sql, history)
            connection.commit()
        results.put(time.perf_counter() - started)


def raw_psycopg_transitions(conninfo: str, count: int, *, connections: int = 1, search_path: str | None = None,
                            busy: list[float] | None = None) -> float:
    """Transitions per second over `connections` connections (one process each, so the GIL is not measured),
    each doing `count` transactions; timed from a common start to the last one done (and, into `busy`, how
    busy the CPUs were from the start until the last one reported)."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(connections), context.Queue()
    processes = [context.Process(target=_psycopg_client, args=(conninfo, search_path, count, barrier, results))
                 for _ in range(connections)]
    for process in processes:
        process.start()
    with cpu_busy(busy):
        elapsed = [float(results.get(timeout=600)) for _ in processes]
    for process in processes:
        process.join()
    return connections * count / max(elapsed)
