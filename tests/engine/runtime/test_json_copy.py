"""What a handler is given of the context is a copy: every object and array in it new, the values equal."""

from __future__ import annotations

from engine.runtime.json_types import json_copy


def test_a_copy_shares_no_object_or_array_and_equals_the_original() -> None:
    original = {"lead": {"tags": ["a", {"b": [1, 2.5, None, True]}], "name": "Ann"}, "n": 3, "none": None}
    copied = json_copy(original)
    assert copied == original
    assert copied is not original
    assert copied["lead"] is not original["lead"]
    assert copied["lead"]["tags"] is not original["lead"]["tags"]
    assert copied["lead"]["tags"][1]["b"] is not original["lead"]["tags"][1]["b"]
    copied["lead"]["tags"][1]["b"].append("changed")
    assert original["lead"]["tags"][1]["b"] == [1, 2.5, None, True]
    assert json_copy([{"x": 1}])[0] == {"x": 1}
    assert json_copy("text") == "text"
