"""What a definition says of a number JSON does not have, and of a duration too long to read. Python's parser reads
`NaN`, `Infinity` and `1e999` (a float's infinity), so `"timeout_s": NaN` met the field's bound and said "must be
at most 86400.0" — of a value that is no number at all; and `PT99999999999999999999S`, an ISO 8601 duration whose
number is past what a duration holds, was said not to be ISO 8601. Now the first is an `invalid-json` finding at
its place that says it is not a number, the second says it is longer than the engine times, with the maximum."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.definition.durations import parse_duration
from engine.validation.loader import load_workflow
from engine.validation.parsing import parse_json

TASK = ('{"id": "nan", "title": "N", "initial": "a", "states": {"a": {"type": "task", "action": "x", '
        '"timeout_s": %s}, "b": {"type": "final"}}, "transitions": [{"source": "a", "trigger": "done", "dest": "b"}]}')


@pytest.mark.parametrize(("token", "said"), [
    ("NaN", "NaN is not a number: JSON has no NaN or Infinity; write a number."),
    ("Infinity", "Infinity is not a number: JSON has no NaN or Infinity; write a number."),
    ("-Infinity", "-Infinity is not a number: JSON has no NaN or Infinity; write a number."),
    ("1e999", "The number 1e999 is out of range: write one a float can hold (up to about 1.8e308)."),
])
def test_a_number_json_does_not_have_is_said_to_be_none_at_its_place(tmp_path: Path, token: str, said: str) -> None:
    path = tmp_path / "nan.json"
    path.write_text(TASK % token, encoding="utf-8")
    (finding,) = load_workflow(path).findings
    assert (finding.code, finding.severity, finding.pointer, finding.message) == (
        "invalid-json", "error", "/states/a/timeout_s", said)
    assert "at most" not in finding.message


def test_each_one_is_named_and_a_string_saying_nan_is_left_alone() -> None:
    document, findings = parse_json('{"a": [1, NaN], "b": {"c": Infinity}, "d": "NaN"}')
    assert document is None
    assert [f.pointer for f in findings] == ["/a/1", "/b/c"]
    assert parse_json('{"d": "NaN", "e": 1.5e300}') == ({"d": "NaN", "e": 1.5e300}, [])


def _waiting(duration: str) -> dict[str, Any]:
    return {"id": "waits", "title": "Waits", "initial": "pause",
            "states": {"pause": {"type": "wait", "duration": duration}, "ok": {"type": "final"}},
            "transitions": [{"source": "pause", "trigger": "done", "dest": "ok"}]}


@pytest.mark.parametrize("duration", ["PT99999999999999999999S", "P99999999999D", "P999999999Y", "PT36000000H"])
def test_an_iso_duration_too_long_to_read_says_so_with_the_longest(duration: str) -> None:
    (finding,) = load_workflow(_waiting(duration)).findings
    assert (finding.code, finding.pointer) == ("schema", "/states/pause/duration")
    assert finding.message == (f"duration '{duration}' is longer than 100 years (P36500D), the longest the engine "
                               "times.")
    with pytest.raises(ValueError, match="longer than 100 years"):
        parse_duration(duration)


@pytest.mark.parametrize("duration", ["PT-1S", "PT1e5S", "P", "soon"])
def test_what_is_not_iso_8601_is_still_said_to_be_not(duration: str) -> None:
    (finding,) = load_workflow(json.loads(json.dumps(_waiting(duration)))).findings
    assert "is not an ISO 8601 duration" in finding.message
