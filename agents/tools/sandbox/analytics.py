"""The sandbox analytics store: named datasets of keyed rows (ops metrics snapshots, the digest queue, ...)."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from agents.tools.errors import ToolError
from agents.tools.sandbox.store import SandboxStore, derived_id, row_json
from agents.tools.sandbox.tables import AnalyticsEntryRow

__all__ = ["SandboxAnalytics"]

Json = dict[str, Any]


def _entry(row: AnalyticsEntryRow) -> Json:
    return row_json(row, times=("recorded_at",))


class SandboxAnalytics:
    """Implements `agents.tools.interface.Analytics` over the sandbox tables."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    def query(self, *, dataset: str, key: str | None = None, limit: int = 100) -> Json:
        """Rows of a dataset (optionally one key's), newest first."""
        statement = select(AnalyticsEntryRow).where(AnalyticsEntryRow.dataset == dataset)
        if key is not None:
            statement = statement.where(AnalyticsEntryRow.key == key)
        with self.store.session() as session:
            rows = session.exec(statement.order_by(col(AnalyticsEntryRow.recorded_at).desc(),
                                                   col(AnalyticsEntryRow.id)).limit(limit)).all()
        return {"dataset": dataset, "rows": [_entry(r) for r in rows], "count": len(rows)}

    def record(self, *, dataset: str, key: str, data: dict[str, Any], row_id: str | None = None,
               idempotency_key: str | None = None) -> Json:
        """Store a row; the same `row_id` (any text naming it) again returns the stored row (created: false). Without
        one, the caller's `idempotency_key` names it: a retried attempt's call finds the row the first one wrote."""
        if not dataset or not key:
            raise ToolError("analytics.record", "validation", "a row needs a dataset and a key")
        named = row_id or (None if idempotency_key is None else f"key:{idempotency_key}")
        chosen = derived_id("AN", dataset, named) if named else derived_id("AN", dataset, key, str(self.store.now()))
        row, created = self.store.insert_once(AnalyticsEntryRow, chosen, lambda: AnalyticsEntryRow(
            id=chosen, dataset=dataset, key=key, data=dict(data), recorded_at=self.store.now()))
        return {"row": _entry(row), "created": created}
