"""CEL expressions: guards, data mappings and assignments. Definitions never run code, only CEL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from engine.definition.expression_cost import runtime_problem

if TYPE_CHECKING:
    import cel
else:  # the same package, without the interactive shell its __init__ imports (engine.definition.cel_engine)
    from engine.definition.cel_engine import cel

__all__ = ["CEL_WORDS", "ExpressionError", "ExpressionTooCostly", "compile_expression", "evaluate",
           "referenced_names"]

# Words CEL keeps for itself: no field may be read by them (`a.return`, a variable `package`); `a['return']` reads
CEL_WORDS = frozenset({"true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function",
                       "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"})

_LOCATION = re.compile(r"<input>:(\d+):(\d+):\s*(.*?)(?:\n|$)")


@dataclass(frozen=True, slots=True)
class ExpressionError(Exception):
    """A CEL expression that does not parse, or fails when evaluated."""

    expression: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f" at line {self.line}, column {self.column}" if self.line is not None else ""
        return f"{self.message}{where}"


class ExpressionTooCostly(ExpressionError):
    """An expression whose estimated cost over the values it was given exceeds the budget; it was not run."""

    kind = "expression-too-costly"


_PROGRAMS = 16_384
"""Compiled programs kept (about 1 KB each): more than the distinct expressions of a 10,000-state flow, whose
checks compile each one several times (4,096 thrashed there: validation grew 2.8x from 5,000 to 10,000 states)."""


@lru_cache(maxsize=_PROGRAMS)
def compile_expression(source: str) -> cel.Program:
    """Compile once, reuse everywhere: the same source text always yields the same program."""
    try:
        return cel.compile(source)
    except ValueError as exc:
        match = _LOCATION.search(str(exc))
        if match:
            raise ExpressionError(source, match.group(3).strip(), int(match.group(1)), int(match.group(2))) from exc
        raise ExpressionError(source, str(exc)) from exc


def referenced_names(source: str) -> frozenset[str]:
    """The top-level names an expression reads (`lead` for `lead.score >= 70`)."""
    return frozenset(compile_expression(source).variables())


def evaluate(source: str, variables: dict[str, Any]) -> Any:
    """Evaluate against `variables`; any failure becomes an `ExpressionError` naming the expression."""
    program = compile_expression(source)
    problem = runtime_problem(source, variables)
    if problem is not None:
        raise ExpressionTooCostly(source, f"expression-too-costly: {problem}; it was not evaluated")
    try:
        value = program.execute(variables)
    except KeyError as exc:  # CEL's own text is the bare key (`'company'`), which says nothing to a reader
        raise ExpressionError(source, _missing_key(source, variables, exc)) from exc
    except Exception as exc:
        raise ExpressionError(source, str(exc).split("\n", 1)[0]) from exc
    return _keys_in_order(value) if type(value) in _CONTAINERS else value


_CONTAINERS = frozenset({dict, list})


def _keys_in_order(value: Any) -> Any:
    """`value` with every map's keys sorted. CEL maps have no order, and the CEL engine hands them back in its
    hash order, which is seeded anew in every process: the same expression over the same values would give the
    same map with its keys in another order in each worker (so another text in the history and in a job's
    input). Sorted, a map built or passed on by an expression reads the same everywhere."""
    kind = type(value)
    if kind is dict:
        try:
            keys = sorted(value)
        except TypeError:  # keys of several types (CEL allows int, uint, bool and string keys in one map)
            keys = sorted(value, key=lambda key: (type(key).__name__, str(key)))
        return {key: _keys_in_order(value[key]) for key in keys}
    if kind is list:
        return [_keys_in_order(item) for item in value]
    return value


_DOTTED_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def _missing_key(source: str, variables: dict[str, Any], exc: KeyError) -> str:
    """`no such key 'company'`, with the keys the map has when `source` is a plain path (`lead.company`)."""
    key = exc.args[0] if exc.args else "?"
    said = f"no such key {str(key)!r}"
    if not _DOTTED_PATH.fullmatch(source):
        return said
    value: Any = variables
    for name in source.split("."):
        if not isinstance(value, dict):
            return said
        if name not in value:
            keys = sorted(str(k) for k in value)
            shown = ", ".join(keys[:12]) + (", …" if len(keys) > 12 else "")
            return f"{said} (the value has: {shown or 'no keys'})"
        value = value[name]
    return said
