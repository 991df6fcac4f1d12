"""Cron fires: claiming (workflow, schedule, fire time) succeeds once, whichever worker tries first."""

from __future__ import annotations

from storage.transaction import Transaction

__all__ = ["ScheduleStore"]


class ScheduleStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def claim_fire(self, *, workflow_id: str, schedule_id: str, fire_time: float, instance_id: str, at: float) -> bool:
        changed = self.tx.execute(
            "INSERT INTO schedule_fires (workflow_id, schedule_id, fire_time, instance_id, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (workflow_id, schedule_id, fire_time) DO NOTHING",
            (workflow_id, schedule_id, fire_time, instance_id, at),
        )
        return changed == 1

    def last_fire(self, workflow_id: str, schedule_id: str) -> float | None:
        value = self.tx.scalar(
            "SELECT MAX(fire_time) FROM schedule_fires WHERE workflow_id = ? AND schedule_id = ?",
            (workflow_id, schedule_id),
        )
        return None if value is None else float(value)

    def fires(self, workflow_id: str, schedule_id: str) -> list[tuple[float, str]]:
        rows = self.tx.all(
            "SELECT fire_time, instance_id FROM schedule_fires WHERE workflow_id = ? AND schedule_id = ? "
            "ORDER BY fire_time",
            (workflow_id, schedule_id),
        )
        return [(float(r[0]), r[1]) for r in rows]
