"""Writing a context by path: objects created on the way, only the key at the end set, the input never changed,
and a value that is not an object on the way refused — for the paths people write and for generated ones."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.runtime.context_paths import PathConflict, with_changes


def test_paths_create_objects_set_one_key_and_leave_the_input_alone() -> None:
    context = {"enrichment": {"source": "crm", "company": {"name": "Acme"}}, "n": 1}
    written = with_changes(context, {"enrichment.company.size": 120, "lead.score.value": 7, "n": 2})
    assert written == {"enrichment": {"source": "crm", "company": {"name": "Acme", "size": 120}}, "n": 2,
                       "lead": {"score": {"value": 7}}}
    assert context == {"enrichment": {"source": "crm", "company": {"name": "Acme"}}, "n": 1}


def test_a_whole_object_replaces_and_null_on_the_way_becomes_an_object() -> None:
    context = {"enrichment": {"company": {"name": "Acme"}}, "gap": None}
    written = with_changes(context, {"enrichment.company": {"size": 3}, "gap.key": True})
    assert written == {"enrichment": {"company": {"size": 3}}, "gap": {"key": True}}


@pytest.mark.parametrize(("value", "named"), [("pending", "string"), ([1], "list"), (3, "number"), (True, "boolean")])
def test_a_path_through_a_value_that_is_not_an_object_is_refused(value: Any, named: str) -> None:
    with pytest.raises(PathConflict, match=f"'a.b' holds a {named}, not an object"):
        with_changes({"a": {"b": value}}, {"a.b.c": 1})



KEYS = st.sampled_from(["a", "b", "c", "company", "size"])
PATHS = st.lists(KEYS, min_size=1, max_size=4).map(".".join)
JSON = st.recursive(st.none() | st.integers() | st.text(max_size=3),
                    lambda inner: st.dictionaries(KEYS, inner, max_size=3), max_leaves=8)


def _read(context: Any, path: str) -> Any:
    for key in path.split("."):
        context = context[key]
    return context


def _blocked(context: Any, path: str) -> bool:
    """Whether some value on the way to the path's last key is there and not an object (nor null)."""
    for key in path.split(".")[:-1]:
        context = context.get(key) if isinstance(context, dict) else None
        if context is None:
            return False
        if not isinstance(context, dict):
            return True
    return False


@given(st.dictionaries(KEYS, JSON, max_size=4), PATHS, JSON)
def test_a_written_path_reads_back_and_everything_else_is_kept(context: dict[str, Any], path: str,
                                                               value: Any) -> None:
    before = copy.deepcopy(context)
    if _blocked(context, path):
        with pytest.raises(PathConflict):
            with_changes(context, {path: value})
        assert context == before
        return
    written = with_changes(context, {path: value})
    assert context == before
    assert _read(written, path) == value
    head, _, rest = path.partition(".")
    assert {k: v for k, v in written.items() if k != head} == {k: v for k, v in before.items() if k != head}
    if rest and isinstance(before.get(head), dict):
        sibling_keys = set(before[head]) - {rest.split(".")[0]}
        assert {k: written[head][k] for k in sibling_keys} == {k: before[head][k] for k in sibling_keys}
