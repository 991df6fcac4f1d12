"""JSON as the tables keep it: what `dump` writes must read back the same, and what JSON cannot hold is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from storage.codec import dump, dump_optional, load


@pytest.mark.parametrize("value", [
    {"email": "zoë@example.com", "lines": ["a\nb", "tab\t", "quote\""], "n": 3, "x": 1.5, "ok": True, "none": None},
    [], {}, "plain", "", 0, -7, 2.25, True, None, [[1, [2, {"k": "v"}]]], {"1": {"2": {"3": []}}},
])
def test_dump_writes_compact_json_that_reads_back_the_same(value: Any) -> None:
    text = dump(value)
    assert text == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert load(text) == value


@pytest.mark.parametrize(("value", "error"), [
    (float("nan"), ValueError), ({"cost": float("inf")}, ValueError), ([float("-inf")], ValueError),
    ({"when": object()}, TypeError), ({1, 2}, TypeError), (b"bytes", TypeError),
])
def test_dump_refuses_what_json_cannot_hold(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        dump(value)


def test_dump_optional_keeps_none_as_sql_null() -> None:
    assert dump_optional(None) is None
    assert dump_optional({"a": None}) == '{"a":null}'
