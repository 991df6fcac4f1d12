"""Memory against the number of stored instances.

`store_instances` fills a SQLite database with waiting instances of the ping flow in bulk (an instance row, its
history row and its event wait, written with `executemany`, as a long-lived installation would hold them) and
returns a sample of their ids. `python -m bench.memory_probe DB_URL IDS_FILE` is the engine process measured:
it opens the engine, serves requests — get, history and a transition for each sampled stored instance (new
instances make up the number when fewer are stored), a few pages of the list — and prints its resident set
size. Run once per database, in a fresh process each time.
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
import time
import uuid
from pathlib import Path

__all__ = ["REQUESTS", "rss_kib", "store_instances"]

REQUESTS = 1000


def store_instances(path: Path, count: int) -> list[str]:
    """Add `count` instances waiting in state 'a' of the ping flow (deployed already) to the SQLite file;
    `REQUESTS` of their ids, chosen at random."""
    now = time.time()
    ids = [uuid.uuid4().hex for _ in range(count)]
    context = json.dumps({"email": "ann@example.com", "n": 1})
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO instances (id, workflow_id, workflow_version, branch, tenant, state, status, context, "
            "version, created_at, updated_at) VALUES (?, 'ping', 1, '', 'default', 'a', 'running', ?, 1, ?, ?)",
            ((i, context, now, now) for i in ids))
        connection.executemany(
            "INSERT INTO history (instance_id, seq, from_state, to_state, event, status, context_change, at, "
            "duration_s) VALUES (?, 1, NULL, 'a', '(start)', 'running', ?, ?, 0)",
            ((i, json.dumps({"set": {"email": "ann@example.com", "n": 1}}), now) for i in ids))
        connection.executemany(
            "INSERT INTO event_waits (instance_id, seq, tenant, event_type, correlation_key, status) "
            "VALUES (?, 1, 'default', 'never', NULL, 'waiting')", ((i,) for i in ids))
        connection.execute("COMMIT")
    finally:
        connection.close()
    return random.Random(count).sample(ids, min(REQUESTS, count))


def rss_kib() -> int:
    """This process's resident set size now (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def _serve(database_url: str, touched: list[str]) -> None:
    from bench.workloads import PING_FLOW  # noqa: PLC0415 - the engine loads in the measured process only
    from engine.runtime.engine import Engine  # noqa: PLC0415

    with Engine(database_url) as engine:
        engine.deploy(PING_FLOW)
        for instance_id in touched:
            engine.get(instance_id)
            engine.history(instance_id)
            engine.send(instance_id, "go")
        for offset in range(0, 10 * 50, 50):
            engine.list_instances(limit=50, offset=offset)
        for n in range(max(0, REQUESTS - len(touched))):  # the same amount of work when little is stored
            run = engine.start("ping", {"n": n})
            engine.send(run.id, "go")
            engine.history(run.id)
        engine.run_until_idle()
        print(json.dumps({"rss_kib": rss_kib(), "instances": engine.count_instances()}))


if __name__ == "__main__":
    _serve(sys.argv[1], Path(sys.argv[2]).read_text().split())
