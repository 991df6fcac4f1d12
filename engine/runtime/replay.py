"""Recovery: rebuild an instance from its history alone and say whether it matches the stored row."""

from __future__ import annotations

from typing import Any

from engine.runtime.context_paths import with_changes
from engine.runtime.core import Runtime
from engine.runtime.queries import load_instance
from engine.runtime.views import ReplayReport
from storage.history import HistoryRecord, HistoryStore
from storage.transaction import Transaction

__all__ = ["rebuild", "replay_instance"]


def rebuild(rows: list[HistoryRecord]) -> tuple[dict[str, Any], list[str]]:
    """Fold the history: each row's destination, status and context change, in `seq` order. Returns the
    rebuilt snapshot and the problems met (a gap in `seq`, a row leaving a state the instance was not in)."""
    state: str | None = None
    status: str | None = None
    context: dict[str, Any] = {}
    result: Any = None
    error: Any = None
    problems: list[str] = []
    for expected, row in enumerate(rows, start=1):
        if row.seq != expected:
            problems.append(f"history seq {row.seq} where {expected} was expected (a gap or a duplicate)")
        if expected > 1 and row.from_state != state:
            problems.append(f"seq {row.seq} leaves '{row.from_state}' but the instance was in '{state}'")
        state, status = row.to_state, row.status
        change = row.context_change or {}
        context = with_changes(context, change.get("set") or {})
        if "result" in change:
            result = change["result"]
        if "error" in change:
            error = change["error"]
    rebuilt = {"state": state, "status": status, "context": context, "version": len(rows), "result": result,
               "error": error}
    return rebuilt, problems


def replay_instance(rt: Runtime, instance_id: str) -> ReplayReport:
    def work(tx: Transaction) -> ReplayReport:
        instance = load_instance(tx, instance_id)
        rows = HistoryStore(tx).for_instance(instance_id)
        rebuilt, differences = rebuild(rows)
        stored = {"state": instance.state, "status": instance.status, "context": instance.context,
                  "version": instance.version, "result": instance.result, "error": instance.error}
        for key, value in stored.items():
            if rebuilt[key] != value:
                differences.append(f"{key}: the history gives {rebuilt[key]!r}, the instance row has {value!r}")
        return ReplayReport(instance_id, not differences, len(rows), rebuilt, stored, differences)

    return rt.read(work)
