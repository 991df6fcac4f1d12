"""Labelled cases, one JSON object a line: a context, optional events to play while the instance waits, and the
labels it is judged by — the final state, values at context paths (`result.…` reads the instance's result) and
the side effects its run must have written to the sandbox (side_effects.py).

    {"name": "vp_books", "context": {...}, "events": [{"event": "approve", "actor": "ann"}],
     "expect_state": "qualified", "expect": {"qualification.score": 100},
     "expect_side_effects": [{"table": "emails", "where": {"recipient": "john.doe@acme.com"}}]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.definition import Example
from engine.errors import InvalidInput
from engine.evaluation.document_paths import is_missing, read_path
from engine.evaluation.side_effects import SideEffect

__all__ = ["EvalCase", "is_missing", "load_cases", "read_path"]


@dataclass(frozen=True, slots=True)
class EvalCase:
    example: Example
    expect: dict[str, Any] = field(default_factory=dict)
    side_effects: tuple[SideEffect, ...] = ()

    @property
    def name(self) -> str:
        return self.example.name

    @property
    def labelled(self) -> bool:
        return self.example.expect_state is not None or bool(self.expect) or bool(self.side_effects)


def load_cases(path: Path) -> list[EvalCase]:
    """Every case of a JSONL file; a bad line is an `InvalidInput` naming its line number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"cannot read the cases {path}: the file is not UTF-8 text") from exc
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
    effects = record.pop("expect_side_effects", [])
    if not isinstance(effects, list):
        raise TypeError("'expect_side_effects' is not a list of {table, where, count}")
    return EvalCase(Example.model_validate(record), expect, tuple(_side_effect(i, e) for i, e in enumerate(effects)))


def _side_effect(index: int, record: Any) -> SideEffect:
    try:
        return SideEffect.model_validate(record)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise TypeError(f"expect_side_effects[{index}]{f'.{where}' if where else ''}: {first['msg']}") from exc
