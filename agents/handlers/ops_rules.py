"""The Ops Sapper's thresholds, offline: SLA breaches against targets, data quality, cost overrun, and the Ops
Squad Lead's severity.

Alert thresholds (design document): an SLA breach is posted to Slack immediately; data quality below 95% goes
into the daily digest; a cost overrun above 20% is emailed to the manager.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "COST_OVERRUN_MAX",
    "DATA_QUALITY_MIN",
    "SEVERITIES",
    "breach_severity",
    "cost_overrun_ratio",
    "data_quality_score",
    "judge_breaches",
]

DATA_QUALITY_MIN = 0.95
COST_OVERRUN_MAX = 0.20
SEVERITIES = ("low", "medium", "high", "critical")


def _target_minutes(metric: str, targets: Mapping[str, Any]) -> float:
    if metric == "first_response":
        return float(targets.get("first_response_minutes", 60))
    if metric == "resolution":
        return float(targets.get("resolution_hours", 24)) * 60
    raise ValueError(f"unknown SLA metric '{metric}'")


def judge_breaches(measured: Iterable[Mapping[str, Any]], targets: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The measurements that exceed their target (the targets given, not the ones measured against)."""
    breaches = []
    for m in measured:
        target = _target_minutes(str(m["metric"]), targets)
        actual = float(m["actual_minutes"])
        if actual > target:
            breaches.append({"ticket_id": m["ticket_id"], "account": m.get("account"), "metric": m["metric"],
                             "target_minutes": target, "actual_minutes": actual})
    return breaches


def data_quality_score(records: int, missing_fields: int, duplicates: int) -> float:
    """The share of records without a missing required field and not duplicated (1.0 when there are none)."""
    if records <= 0:
        return 1.0
    return round(max(0.0, 1.0 - (missing_fields + duplicates) / records), 4)


def cost_overrun_ratio(spent: float, budget: float) -> float:
    """spent / budget - 1: 0.28 is 28% over; negative is under budget. No budget: any spend is an overrun of 1."""
    if budget <= 0:
        return 1.0 if spent > 0 else 0.0
    return round(spent / budget - 1.0, 4)


def breach_severity(breaches: Iterable[Mapping[str, Any]], *, enterprise_affected: bool) -> str:
    """By the worst breach (actual / target): up to 1.5x low... from 3x critical; several breaches or an enterprise
    account affected raise it one level."""
    listed = list(breaches)
    if not listed:
        return "low"
    worst = max(float(b["actual_minutes"]) / max(float(b["target_minutes"]), 1.0) for b in listed)
    level = 0 if worst <= 1.5 else 1 if worst < 2.0 else 2 if worst < 3.0 else 3
    if len(listed) > 1 or enterprise_affected:
        level += 1
    return SEVERITIES[min(level, len(SEVERITIES) - 1)]
