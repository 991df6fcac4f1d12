"""The instance KPIs — started, ended, succeeded, completion rate, average duration, quality score — as the
database counts and sums them, on SQLite and PostgreSQL: per workflow, only the tenant's instances created in
the window, instances still running started but not judged, a QA score read only from ended instances."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from engine import Engine, ManualClock
from engine.read_models.kpis import KpiScope, collect_kpis

FLOW: dict[str, Any] = {
    "id": "review",
    "title": "Review",
    "initial": "open",
    "states": {
        "open": {"type": "wait", "duration": "P30D"},
        "accepted": {"type": "final", "outcome": "success"},
        "rejected": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "open", "trigger": "accept", "dest": "accepted"},
        {"source": "open", "trigger": "reject", "dest": "rejected"},
        {"source": "open", "trigger": "done", "dest": "rejected"},
    ],
}
OTHER = {**FLOW, "id": "other_review", "title": "Other review"}


def test_instance_kpis_per_workflow(database_url: str) -> None:
    clock = ManualClock()
    with Engine(database_url, clock=clock) as engine:
        engine.deploy(FLOW)
        engine.deploy(OTHER)
        before = clock.now()
        clock.advance(60)
        began = clock.now()
        accepted = engine.start("review", {"qa": {"total": 8}}, tenant="acme")
        rejected = engine.start("review", {"qa": {"total": 2}}, tenant="acme")
        engine.start("review", {"qa": {"total": 10}}, tenant="acme")  # running: started, not judged, no score
        engine.start("review", {}, tenant="globex")  # another tenant's
        quick = engine.start("other_review", {"note": "no score"}, tenant="acme")
        clock.advance(4)
        engine.send(rejected.id, "reject")
        engine.send(quick.id, "accept")
        clock.advance(6)
        engine.send(accepted.id, "accept")
        clock.advance(1)
        database = sa.create_engine(database_url)
        try:
            overall, per_workflow = collect_kpis(database, KpiScope(tenant="acme", since=began, until=clock.now()))
            _, none_yet = collect_kpis(database, KpiScope(tenant="acme", since=before, until=began))
        finally:
            database.dispose()

    by_id = {k.workflow_id: k for k in per_workflow}
    assert sorted(by_id) == ["other_review", "review"]
    review = by_id["review"]
    assert (review.instances_started, review.instances_ended, review.instances_succeeded) == (3, 2, 1)
    assert review.completion_rate == 0.5
    assert review.average_duration_s == 7.0  # (10 + 4) / 2
    assert (review.quality_score, review.quality_scored) == (5.0, 2)  # 8 and 2; the running one's 10 not yet
    other = by_id["other_review"]
    assert (other.instances_started, other.instances_ended, other.instances_succeeded) == (1, 1, 1)
    assert other.average_duration_s == 4.0
    assert other.quality_score is None
    assert (overall.instances_started, overall.instances_ended, overall.instances_succeeded) == (4, 3, 2)
    assert overall.average_duration_s == 6.0  # (10 + 4 + 4) / 3
    assert none_yet == []  # nothing created before the window's start
