"""The engine bench's end-to-end row (bench/bench_engine.py): the lead rate is judged against 1,000 leads/s scaled
by raw sqlite3's rate measured in the same run, as the brief's anchor sets it. A tiny run; no timing asserts."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from bench.bench_engine import LEAD_TARGET, QUICK, RAW_SQLITE_ANCHOR, _template, lead_rows, lead_target


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def test_the_lead_row_is_judged_at_the_anchors_share_of_raw_sqlite3_from_the_same_run(tmp_path: Path) -> None:
    inline, offline = lead_rows(_template(tmp_path), replace(QUICK, rounds=2, leads=6, raw_sqlite=300))
    raw = _number(re.search(r"raw sqlite3, the two writes of a transition, 1 transaction each: ([\d,]+)/s",
                            inline.baseline).group(1))  # type: ignore[union-attr]
    scaled = _number(re.search(r"≥ ([\d,]+) leads/s beside this run's raw sqlite3",
                               inline.target).group(1))  # type: ignore[union-attr]
    assert abs(scaled - LEAD_TARGET * raw / RAW_SQLITE_ANCHOR) <= 1  # both printed rounded
    leads = _number(re.match(r"([\d,]+) leads/s", inline.engine).group(1))  # type: ignore[union-attr]
    if abs(leads - lead_target(raw)) >= 1:  # both printed rounded: a tie is not judged here
        assert inline.verdict == ("met" if leads >= lead_target(raw) else "MISSED")
    assert "leads/s" in offline.engine


def test_the_scaled_target_is_the_anchors_at_the_anchors_rate() -> None:
    assert lead_target(RAW_SQLITE_ANCHOR) == LEAD_TARGET
    assert lead_target(RAW_SQLITE_ANCHOR / 2) == LEAD_TARGET / 2
