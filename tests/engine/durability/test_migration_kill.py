"""`kill -9` during `statewright migrate --apply` leaves every instance either migrated or untouched.

A real `statewright migrate ... --apply` process moves a few hundred instances (half carried in an approval
state, half mapped to a renamed wait state, entered afresh) and is SIGKILLed once it has moved some of them.
Every instance must then be whole in one version or the other: pinned to version 2 with exactly one
`(migrate)` history row, or pinned to version 1 with none; its history gapless and replaying to the stored row;
its open work (the approval, the event wait) open exactly once and at the instance's latest transition, so it
still answers. A second `--apply` moves the rest, and every instance then runs to its end under version 2.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from engine.runtime.engine import Engine
from engine.runtime.snapshot import MIGRATE
from storage.approvals import ApprovalStore
from storage.events import EventStore
from storage.transaction import Transaction

SCRIPT = Path(sys.executable).parent / "statewright"
INSTANCES = 400
STEPS = (1, 20, 60)  # each round kills the apply once it has moved this many more instances


def _flow(version: int, waiting: str) -> dict[str, Any]:
    return {
        "id": "shipment", "title": "Shipment", "version": version, "initial": "route",
        "states": {"route": {"type": "choice"},
                   "review": {"type": "approval", "approvers": {"roles": ["ops"]}},
                   waiting: {"type": "wait", "event": {"type": "delivered", "correlation": "ref"}},
                   "done": {"type": "final"}, "dropped": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "route", "dest": "review", "guard": "go == 'review'", "priority": 1},
                        {"source": "route", "dest": waiting},
                        {"source": "review", "trigger": "approve", "dest": "done"},
                        {"source": "review", "trigger": "reject", "dest": "dropped"},
                        {"source": waiting, "trigger": "done", "dest": "done"}],
    }


def _migrated_count(engine: Engine) -> int:
    return engine.runtime.read(lambda tx: int(tx.scalar(
        "SELECT COUNT(*) FROM instances WHERE workflow_id = 'shipment' AND workflow_version = 2") or 0))


def _apply(database_url: str, mapping: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "STATEWRIGHT_DATABASE_URL"}
    return subprocess.Popen(
        [str(SCRIPT), "migrate", "shipment", "--from", "1", "--to", "2", "--apply", "--map", str(mapping),
         "--db", database_url, "--format", "json"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)


def _kill_midway(engine: Engine, database_url: str, mapping: Path, before: int, step: int) -> int:
    """Start an apply and SIGKILL it once it has moved at least `step` more instances (and not all of them)."""
    process = _apply(database_url, mapping)
    deadline = time.monotonic() + 120
    moved = before
    while time.monotonic() < deadline and process.poll() is None:
        moved = _migrated_count(engine)
        if moved >= before + step:
            break
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the apply ended before it could be killed midway"
    return _migrated_count(engine)


def _open_work(engine: Engine, instance_id: str) -> tuple[list[int], list[int]]:
    """The seqs of the instance's pending approvals and waiting event waits."""
    def read(tx: Transaction) -> tuple[list[int], list[int]]:
        approvals = [a.seq for a in ApprovalStore(tx).for_instance(instance_id) if a.status == "pending"]
        waits = [w.seq for w in EventStore(tx).waits_for_instance(instance_id) if w.status == "waiting"]
        return approvals, waits
    return engine.runtime.read(read)


def _check_whole(engine: Engine, instance_id: str, path: str) -> int:
    """The instance is whole in one version; returns that version."""
    view = engine.get(instance_id)
    history = engine.history(instance_id)
    assert [h.seq for h in history] == list(range(1, len(history) + 1))
    assert view.version == len(history)
    assert engine.replay(instance_id).matches
    migrations = [h for h in history if h.event == MIGRATE]
    state = {"review": "review", "wait": "in_transit" if view.workflow_version == 1 else "on_the_way"}[path]
    assert view.state == state
    assert len(migrations) == (1 if view.workflow_version == 2 else 0)
    assert view.workflow_version in (1, 2)
    approvals, waits = _open_work(engine, instance_id)
    expected = ([view.version], []) if path == "review" else ([], [view.version])
    assert (approvals, waits) == expected, (instance_id, view.workflow_version)
    return view.workflow_version


@pytest.mark.slow
def test_kill_9_during_apply_leaves_each_instance_migrated_or_untouched(database_url: str, tmp_path: Path) -> None:
    mapping = tmp_path / "map.json"
    mapping.write_text('{"in_transit": "on_the_way"}')
    with Engine(database_url) as engine:
        engine.deploy(_flow(1, "in_transit"))
        paths = {}
        for n in range(INSTANCES):
            path = "review" if n % 2 else "wait"
            paths[engine.start("shipment", {"go": path, "ref": f"R{n}"}).id] = path
        engine.deploy(_flow(2, "on_the_way"))

        moved = 0
        kills = []
        for step in STEPS:
            # a loaded machine polls slowly while the apply runs on: ask for no more than a quarter of what is left
            after = _kill_midway(engine, database_url, mapping, moved, min(step, max(1, (INSTANCES - moved) // 4)))
            assert moved < after < INSTANCES, (moved, after)
            kills.append(after)
            versions = [_check_whole(engine, i, p) for i, p in paths.items()]
            assert versions.count(2) == after
            moved = after

        finish = _apply(database_url, mapping)
        assert finish.wait(timeout=300) == 0, finish.stderr.read() if finish.stderr else ""
        assert all(_check_whole(engine, i, p) == 2 for i, p in paths.items())

        for instance_id, path in paths.items():
            if path == "review":
                engine.approve(instance_id, actor="olga", roles=["ops"])
            else:
                engine.publish("delivered", {}, correlation_key=engine.get(instance_id).context["ref"])
        assert {engine.get(i).status for i in paths} == {"succeeded"}
        print(f"migration kill drill: {INSTANCES} instances, killed after {kills} had moved")
