"""A guard written with Python's or SQL's words for the logical operators (`and`, `or`, `not`) is told how CEL
writes them: an outside analyst read only "mismatched input 'and'" and did not know what to write instead."""

from __future__ import annotations

import pytest

from engine.validation.checks.expressions import word_operators_hint
from engine.validation.loader import load_workflow


def _flow(guard: str) -> dict[str, object]:
    return {"id": "words", "title": "Words", "initial": "gate",
            "context": {"type": "object", "properties": {"x": {"type": "integer"}, "order": {"type": "integer"}}},
            "states": {"gate": {"type": "choice"}, "low": {"type": "final"}, "high": {"type": "final"}},
            "transitions": [{"source": "gate", "dest": "high", "guard": guard}, {"source": "gate", "dest": "low"}]}


def test_a_guard_with_and_is_told_cel_writes_it_as_ampersands() -> None:
    findings = load_workflow(_flow("x >= 6 and x < 11")).findings
    (syntax,) = [f for f in findings if f.code == "guard-syntax"]
    assert syntax.message.endswith("CEL writes 'and' as '&&'.")


@pytest.mark.parametrize(("source", "hint"), [
    ("a or not b", " CEL writes 'or' as '||', 'not' as '!'."),
    ("x.order > 1", ""),  # a field of that name
    ("name == 'this and that'", ""),  # inside a quoted text
    ("a && b", ""),
])
def test_only_the_words_used_as_operators_are_named(source: str, hint: str) -> None:
    assert word_operators_hint(source) == hint
