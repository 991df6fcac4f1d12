"""The Ops Sapper's thresholds, table-driven: an SLA breach alerts at once, data quality below 95% goes to the
daily digest, a cost overrun above 20% is emailed; and the Ops Squad Lead's severity."""

from __future__ import annotations

import pytest

from agents.handlers.ops_rules import (
    COST_OVERRUN_MAX,
    DATA_QUALITY_MIN,
    breach_severity,
    cost_overrun_ratio,
    data_quality_score,
    judge_breaches,
)

TARGETS = {"first_response_minutes": 60, "resolution_hours": 24}


@pytest.mark.parametrize(("metric", "actual", "breached"), [
    ("first_response", 95, True), ("first_response", 60, False), ("first_response", 61, True),
    ("resolution", 24 * 60, False), ("resolution", 24 * 60 + 1, True),
])
def test_a_measurement_over_its_target_is_a_breach(metric: str, actual: float, breached: bool) -> None:
    found = judge_breaches([{"ticket_id": "T-1", "account": "Globex", "metric": metric, "actual_minutes": actual}],
                           TARGETS)
    assert bool(found) is breached
    if found:
        assert found[0]["target_minutes"] == (60 if metric == "first_response" else 1440)


def test_an_unknown_metric_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown SLA metric"):
        judge_breaches([{"ticket_id": "T-1", "metric": "uptime", "actual_minutes": 1}], TARGETS)


@pytest.mark.parametrize(("records", "missing", "duplicates", "score", "digest"), [
    (1200, 52, 14, 0.945, True),   # support_emea in the corpus
    (900, 6, 2, 0.9911, False),    # support_na
    (100, 5, 0, 0.95, False),      # exactly at the threshold: not below it
    (100, 5, 1, 0.94, True),
    (0, 0, 0, 1.0, False),
])
def test_data_quality_below_95_percent_goes_to_the_digest(records: int, missing: int, duplicates: int, score: float,
                                                          digest: bool) -> None:
    assert data_quality_score(records, missing, duplicates) == score
    assert (score < DATA_QUALITY_MIN) is digest


@pytest.mark.parametrize(("spent", "budget", "ratio", "email"), [
    (6400, 5000, 0.28, True),      # support_emea
    (3650, 4000, -0.0875, False),  # support_na
    (6000, 5000, 0.2, False),      # exactly 20%: not above it
    (6001, 5000, 0.2002, True),
    (10, 0, 1.0, True),
])
def test_a_cost_overrun_above_20_percent_is_emailed(spent: float, budget: float, ratio: float, email: bool) -> None:
    assert cost_overrun_ratio(spent, budget) == ratio
    assert (ratio > COST_OVERRUN_MAX) is email


def _breach(actual: float, target: float = 60) -> dict[str, float]:
    return {"actual_minutes": actual, "target_minutes": target}


@pytest.mark.parametrize(("breaches", "enterprise", "severity"), [
    ([], False, "low"), ([_breach(80)], False, "low"), ([_breach(95)], False, "medium"),
    ([_breach(95)], True, "high"), ([_breach(150)], False, "high"), ([_breach(200)], False, "critical"),
    ([_breach(95), _breach(70)], False, "high"), ([_breach(200)], True, "critical"),
])
def test_breach_severity(breaches: list[dict[str, float]], enterprise: bool, severity: str) -> None:
    assert breach_severity(breaches, enterprise_affected=enterprise) == severity
