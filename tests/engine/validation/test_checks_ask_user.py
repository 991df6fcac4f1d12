"""A task's `ask_user` under the named checks: its question and correlation are compiled and checked for
unknown names (the question may read `error`), its error kinds for typos, its `into` against the output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.validation.loader import load_workflow

CLEAN = json.loads((Path(__file__).parent / "fixtures" / "clean" / "ask-into-output.json").read_text())


def _findings(**ask: Any) -> list[tuple[str, str]]:
    document = json.loads(json.dumps(CLEAN))
    document["states"]["lookup"]["ask_user"].update(ask)
    return [(f.code, f.pointer) for f in load_workflow(document).findings]


def test_a_question_reading_the_error_and_a_correlation_reading_the_context_are_clean() -> None:
    assert _findings(question="'Which one? ' + error.message", correlation="instance.id") == []


def test_a_question_that_does_not_compile_is_a_guard_syntax_error() -> None:
    assert _findings(question="'Which one? ' +") == [("guard-syntax", "/states/lookup/ask_user/question")]


def test_a_correlation_reading_a_name_never_set_is_reported() -> None:
    assert _findings(correlation="ticket.id") == [("unknown-variable", "/states/lookup/ask_user/correlation")]


def test_a_misspelt_error_kind_is_reported() -> None:
    assert _findings(errors=["not_fuond"]) == [("unknown-error-kind", "/states/lookup/ask_user/errors/0")]
