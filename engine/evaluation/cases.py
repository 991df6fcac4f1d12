"""Labelled cases, one JSON object a line: a context, optional events to play while the instance waits, and the
labels it is judged by — the final state and/or values at context paths (`result.…` reads the instance's result).

    {"name": "vp_books", "context": {...}, "events": [{"event": "approve", "actor": "ann"}],
     "expect_state": "qualified", "expect": {"qualification.score": 100}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.definition import Example
from engine.errors import InvalidInput

__all__ = ["EvalCase", "load_cases", "read_path"]

_MISSING = object()


@dataclass(frozen=True, slots=True)
class EvalCase:
    example: Example
    expect: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.example.name

    @property
    def labelled(self) -> bool:
        return self.example.expect_state is not None or bool(self.expect)


def load_cases(path: Path) -> list[EvalCase]:
    """Every case of a JSONL file; a bad line is an `InvalidInput` naming its line number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InvalidInput(f"cannot read the cases {path}: {exc.strerror}") from exc
    cases: list[EvalCase] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            cases.append(_parse_case(line))
        except (ValueError, TypeError, ValidationError) as exc:
            raise InvalidInput(f"{path}:{number}: not a case: {str(exc).splitlines()[0]}") from exc
    if not cases:
        raise InvalidInput(f"{path} holds no cases")
    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        raise InvalidInput(f"{path}: case names repeat: {sorted({n for n in names if names.count(n) > 1})}")
    return cases


def _parse_case(line: str) -> EvalCase:
    record = json.loads(line)
    if not isinstance(record, dict):
        raise TypeError("not an object")
    expect = record.pop("expect", {})
    if not isinstance(expect, dict):
        raise TypeError("'expect' is not an object of path: value")
    return EvalCase(Example.model_validate(record), expect)


def read_path(document: Any, path: str) -> Any:
    """The value at a dotted path (`qualification.score`, `matches.0.article_id`), or a missing marker."""
    value = document
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def is_missing(value: Any) -> bool:
    return value is _MISSING
