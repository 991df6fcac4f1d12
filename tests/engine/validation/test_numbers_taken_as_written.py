"""A number or a true/false in a definition is taken as written, as the committed JSON Schema says: a text or a
true/false where a number goes (`"max_attempts": "3"`, `"max_concurrency": true`), or a text or a number where
true/false goes (`"jitter": "false"`), is an error at its pointer. pydantic's lax mode converted them, so a
definition the editor's schema refused validated clean, and `"jitter": 1` meant true."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from engine.validation.loader import load_workflow

FLOW: dict[str, Any] = {
    "id": "typed", "title": "Typed", "initial": "work",
    "context": {"type": "object", "properties": {"xs": {"type": "array"}}},
    "states": {
        "work": {"type": "task", "action": "x", "timeout_s": 10,
                 "retry": {"max_attempts": 3, "initial_interval_s": 0.2, "jitter": False}},
        "each": {"type": "map", "items": "xs", "max_concurrency": 2, "output": "results",
                 "iterator": {"initial": "t", "states": {"t": {"type": "task", "action": "x"}, "e": {"type": "final"}},
                              "transitions": [{"source": "t", "trigger": "done", "dest": "e"},
                                              {"source": "t", "trigger": "error", "dest": "e"}]}},
        "done": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [{"source": "work", "trigger": "done", "dest": "each", "priority": 1},
                    {"source": "work", "trigger": "error", "dest": "failed"},
                    {"source": "each", "trigger": "done", "dest": "done"},
                    {"source": "each", "trigger": "error", "dest": "failed"}],
}


def with_value(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    document = copy.deepcopy(FLOW)
    node: Any = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return document


def test_the_flow_as_written_loads() -> None:
    assert load_workflow(FLOW).model is not None


@pytest.mark.parametrize(("path", "value", "said"), [
    (("states", "work", "retry", "max_attempts"), "3", "'max_attempts' must be a whole number."),
    (("states", "work", "retry", "max_attempts"), True, "'max_attempts' must be a whole number."),
    (("states", "work", "retry", "initial_interval_s"), "0.2", "'initial_interval_s' must be a number."),
    (("states", "work", "retry", "jitter"), "false", "'jitter' must be true or false."),
    (("states", "work", "retry", "jitter"), 1, "'jitter' must be true or false."),
    (("states", "work", "timeout_s"), "10", "'timeout_s' must be a number."),
    (("states", "each", "max_concurrency"), True, "'max_concurrency' must be a whole number."),
    (("transitions", 0, "priority"), "1", "'priority' must be a whole number."),
])
def test_a_value_of_another_json_type_is_refused_at_its_pointer(path: tuple[str | int, ...], value: Any,
                                                                 said: str) -> None:
    loaded = load_workflow(with_value(path, value))
    assert loaded.model is None
    pointer = "/" + "/".join(map(str, path))
    assert [(f.pointer, f.message) for f in loaded.findings if f.severity == "error"] == [(pointer, said)]


def test_a_whole_number_is_a_number() -> None:
    assert load_workflow(with_value(("states", "work", "retry", "initial_interval_s"), 2)).model is not None
