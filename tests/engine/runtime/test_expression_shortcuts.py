"""The runtime answers the commonest expression shapes (constants, paths, `has(…) ? … : …`, a path compared with
a literal) without the CEL interpreter: each answer, and each error, must be exactly CEL's."""

from __future__ import annotations

from typing import Any

import pytest

from engine.definition.expressions import ExpressionError
from engine.definition.expressions import evaluate as cel_evaluate
from engine.runtime.variables import evaluate, evaluate_json

CONTEXT: dict[str, Any] = {
    "name": "Ada", "missing_name": None, "tags": [1, {"deep": None}], "meeting": {"meeting_id": "M-1"},
    "qualification": {"score": 80, "ratio": 1.5, "flag": True, "decision": "book"},
    "huge": 2**63, "huger": 2**64, "tiny": -(2**63) - 1, "nested": {"huge": [2**70]}, "text": "x",
}
SCOPE: dict[str, Any] = {**CONTEXT, "context": CONTEXT, "event": {"kind": "validation"}, "now": "2030-01-01T00:00:00Z"}

SOURCES = [
    # constants
    "30", "-7", "'discovery'", '"quoted"', "null", "true", "false", "{'min': 50, 'uses': ['a', 'b']}", "1 + 2",
    "[1, 2.5]", "'a' + 'b'", "size('abc')",
    # paths
    "name", "missing_name", "tags", "meeting.meeting_id", "context.name", "context.meeting", "qualification",
    "huge", "huger", "tiny", "nested", "nested.huge", "meeting.nope", "name.length", "unknown", "event.kind",
    # has(...) ? ... : literal
    "has(context.name) ? context.name : null", "has(context.zz) ? context.zz : null",
    "has(context.meeting) ? context.meeting.meeting_id : ''", "has(context.meeting) ? context.meeting.nope : null",
    "has(context.zz) ? context.zz.y : 1", "has(name.x) ? name.x : null", "has(context.huger) ? context.huger : 0",
    # comparisons
    "qualification.score >= 70", "qualification.score < 70", "qualification.score == 80", "qualification.score != 80",
    "qualification.decision == 'book'", "qualification.decision != \"nurture\"", "qualification.decision > 'a'",
    "qualification.flag == true", "qualification.flag != false", "qualification.flag > false",
    "qualification.ratio >= 1", "qualification.decision >= 1", "huge > 1", "qualification.nope == 1",
    "missing_name == null", "event.kind == 'validation'", "name < 'B'",
]


def _outcome(evaluated: Any, source: str) -> tuple[str, Any, type]:
    try:
        value = evaluated(source)
    except ExpressionError as exc:
        return "error", exc.message, type(exc)
    return "value", value, type(value)


@pytest.mark.parametrize("source", SOURCES)
def test_the_shortcut_answers_as_cel_does(source: str) -> None:
    through_cel = _outcome(lambda s: cel_evaluate(s, dict(SCOPE)), source)
    assert _outcome(lambda s: evaluate(s, SCOPE), source) == through_cel
    assert _outcome(lambda s: evaluate(s, SCOPE), source) == through_cel  # again, from the cache


def test_a_value_handed_out_is_a_copy_that_the_caller_may_change() -> None:
    scope = {"lead": {"tags": ["a"]}}
    found = evaluate_json("lead", scope)
    found["tags"].append("b")
    assert scope == {"lead": {"tags": ["a"]}}
    constant = evaluate("{'tags': ['a']}", {})
    constant["tags"].append("b")
    assert evaluate("{'tags': ['a']}", {}) == {"tags": ["a"]}


def test_a_dotted_name_in_the_scope_is_left_to_cel() -> None:
    scope = {"a.b": 1, "a": {"b": 2}}
    assert evaluate("a.b", scope) == cel_evaluate("a.b", dict(scope))
