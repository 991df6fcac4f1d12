"""The one RFC 3339 reading (`engine.definition.moments`): the spellings RFC 3339 allows give the same instant,
a time without an offset is refused with the words to mend it, and what `to_rfc3339` writes reads back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.definition.moments import parse_rfc3339
from engine.runtime.clock import to_rfc3339

NINE_UTC = 1893488400.0  # 2030-01-01T09:00:00Z


@pytest.mark.parametrize("text", [
    "2030-01-01T09:00:00Z",
    "2030-01-01t09:00:00z",
    "2030-01-01T09:00:00+00:00",
    "2030-01-01T09:00:00-00:00",
    "2030-01-01T11:00:00+02:00",
    "2030-01-01T03:30:00-05:30",
    "2030-01-01T09:00:00.000Z",
    "2030-01-01T09:00:00.000000000z",
])
def test_every_spelling_of_an_instant_gives_the_same_seconds(text: str) -> None:
    assert parse_rfc3339(text) == NINE_UTC


@pytest.mark.parametrize(("text", "seconds"), [
    ("2030-01-01T09:00:00.5Z", NINE_UTC + 0.5),
    ("2030-01-01T11:00:00.25+02:00", NINE_UTC + 0.25),
    ("2030-01-01T09:00:00.123456Z", NINE_UTC + 0.123456),
    ("2030-01-01T09:00:00.123456789z", NINE_UTC + 0.123456),  # past microseconds, the digits are dropped
])
def test_fractional_seconds_count(text: str, seconds: float) -> None:
    assert parse_rfc3339(text) == pytest.approx(seconds, abs=1e-6)


@pytest.mark.parametrize("text", ["2030-01-01T09:00:00", "2030-01-01t09:00:00.5"])
def test_a_time_without_an_offset_is_refused_with_how_to_mend_it(text: str) -> None:
    with pytest.raises(ValueError, match=r"has no UTC offset: end it with Z \(UTC\) or an offset such as \+02:00"):
        parse_rfc3339(text)


@pytest.mark.parametrize("text", [
    "", "tomorrow", "1700000000", "2030-01-01", "2030-01-01T09:00Z", "2030-01-01 09:00:00Z",
    "20300101T090000Z", "2030-01-01T09:00:00+0200", "2030-01-01T09:00:00+02", "2030-01-01T09:00:00,5Z",
    "2030-W01-2T09:00:00Z", "2030-01-01T09:00:00.1234567890Z", "2030-01-01T09:00:00Z\n", " 2030-01-01T09:00:00Z",
    "٢٠٣٠-01-01T09:00:00Z",
])
def test_other_iso_8601_forms_python_would_read_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not an RFC 3339 time such as 2030-01-01T09:00:00Z"):
        parse_rfc3339(text)


@pytest.mark.parametrize("text", [
    "2030-13-01T09:00:00Z", "2030-02-30T09:00:00Z", "2030-01-01T24:00:00Z", "2030-01-01T09:00:00+24:00",
    "2030-12-31T23:59:60Z",  # a leap second: Python's datetime has none
])
def test_a_date_or_time_that_does_not_exist_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a time that exists"):
        parse_rfc3339(text)


@given(st.floats(min_value=0, max_value=7_000_000_000, allow_nan=False).map(lambda s: round(s, 6)))
def test_what_to_rfc3339_writes_reads_back(seconds: float) -> None:
    assert parse_rfc3339(to_rfc3339(seconds)) == pytest.approx(seconds, abs=1e-6)
