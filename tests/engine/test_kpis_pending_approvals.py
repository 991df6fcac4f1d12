"""QA: with 3,577 approvals pending, moving 1,000 of their instances two days back (as instances older than a day
are) dropped `statewright_pending_approvals` to 2,577 while the inbox still listed 3,577: the gauge counted only
instances created in the window. Pending approvals are what waits now, whenever it started."""

from __future__ import annotations

from pathlib import Path

from engine.read_models.kpis import KpiScope, collect_kpis
from engine.runtime.engine import Engine

FLOW = {"id": "review", "title": "Review", "initial": "decide",
        "states": {"decide": {"type": "approval", "approvers": {"roles": ["manager"]}, "timeout": "P3D"},
                   "yes": {"type": "final"}, "no": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "decide", "trigger": "approve", "dest": "yes"},
                        {"source": "decide", "trigger": "reject", "dest": "no"},
                        {"source": "decide", "trigger": "timeout", "dest": "no"}]}


def test_pending_approvals_count_every_request_waiting_now(tmp_path: Path) -> None:
    with Engine(f"sqlite:///{tmp_path / 'kpis.db'}") as engine:
        engine.deploy(FLOW)
        runs = [engine.start("review", {}) for _ in range(5)]
        old = [r.id for r in runs[:2]]
        engine.runtime.write(lambda tx: [tx.execute("UPDATE instances SET created_at = created_at - 172800 "
                                                    "WHERE id = ?", (i,)) for i in old])
        now = engine.clock.now()
        overall, per_workflow = collect_kpis(engine.database, KpiScope(tenant="default", since=now - 86_400,
                                                                       until=now + 1))
    assert overall.instances_started == 3  # the window still decides what started in it
    assert overall.pending_approvals == 5  # but all five wait now
    assert [(w.workflow_id, w.pending_approvals) for w in per_workflow] == [("review", 5)]
