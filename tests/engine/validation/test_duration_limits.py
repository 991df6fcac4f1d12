"""Durations the engine can time: longer than zero, at most 100 years. A wait of 'P99999999D' used to validate
and only fail when the engine armed its timer ('year 275820 is out of range'), and testgen reported its paths as
failed on the engine."""

from __future__ import annotations

from typing import Any

import pytest

from engine.definition.durations import parse_duration
from engine.validation.loader import load_workflow


def _waiting(duration: str) -> dict[str, Any]:
    return {"id": "waits", "title": "Waits", "initial": "pause",
            "states": {"pause": {"type": "wait", "duration": duration}, "ok": {"type": "final"}},
            "transitions": [{"source": "pause", "trigger": "done", "dest": "ok"}]}


@pytest.mark.parametrize("duration", ["P99999999D", "P101Y", "PT876601H"])
def test_a_duration_beyond_100_years_is_a_finding_at_its_field(duration: str) -> None:
    (finding,) = load_workflow(_waiting(duration)).findings
    assert (finding.code, finding.pointer) == ("schema", "/states/pause/duration")
    assert "longer than 100 years" in finding.message


@pytest.mark.parametrize(("duration", "days"), [("P36500D", 36_500), ("P100Y", 36_500), ("P1M", 30), ("P1Y", 365)])
def test_durations_up_to_100_years_load(duration: str, days: int) -> None:
    assert load_workflow(_waiting(duration)).ok
    assert parse_duration(duration).days == days
