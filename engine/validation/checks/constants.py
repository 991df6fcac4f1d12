"""An expression that reads nothing (a map's `items` of `'abc'`, a deadline of `'2030-01-01T09:00:00Z'`), evaluated
as the definition loads, so that what it gives can be judged before any instance meets it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.definition.expression_cost import static_problem
from engine.definition.expressions import ExpressionError, evaluate, referenced_names

__all__ = ["Constant", "constant_of"]


@dataclass(frozen=True, slots=True)
class Constant:
    """What a constant expression gives: its value, or why it fails to evaluate."""

    value: Any = None
    error: str | None = None


def constant_of(source: str) -> Constant | None:
    """The constant `source` is; None when it reads a variable (known only at run time), would cost too much to
    evaluate here, or does not compile (`guard-syntax` reports that)."""
    try:
        if referenced_names(source) or static_problem(source) is not None:
            return None
    except ExpressionError:
        return None
    try:
        return Constant(evaluate(source, {}))
    except ExpressionError as exc:
        return Constant(error=exc.message)
