"""How much a CEL expression may cost, estimated before it runs.

The CEL interpreter has no cost limit of its own and holds the GIL while it runs: one guard such as
`size(L.map(a, L.map(b, L.map(c, a + b + c)))) > 0` over a literal list of 70 numbers takes seconds, a `map` or
`filter` costs the square of its list's length (its result is rebuilt, texts and all, on every element), and
`s + s + … + s` copies the text again at every `+` (1,000 terms over a 100 KB text: 28 s and gigabytes). So every
expression is bounded twice:

- **when a definition is validated** (`static_problem`): its length, how deeply its comprehensions (`map`,
  `filter`, `all`, `exists`, `exists_one`) nest, how many elements its list and map literals hold, and its
  estimated cost with every value it reads from data a text as large as a context may be (`MAX_VALUE_SIZE`,
  1 MiB). That refuses what multiplies data whatever the data: a long chain of concatenations, a result repeating
  a value, the same text searched many times. What only the data decides — how many elements a comprehension
  runs over, whether a value is a list, how long a pattern read from data is — is left to the second bound;
- **before each evaluation** (`runtime_problem`): the same estimate with the values given (their kinds, the
  lengths of their texts and lists, what the elements a comprehension runs over hold); an expression over the
  budget is refused, not run. It is cheap for what most evaluations are: an expression within the budget for
  any values within the engine's JSON limits (a context, a payload, an output: at most 1 MiB) is let through
  without a look at its values; then one within the budget for the kinds and lengths of its values rounded up to
  a power of two, whatever their parts, is let through on that (the estimate for those sizes is kept); only the
  rest have their values measured.

Cost is counted in steps of roughly half a microsecond (the rates, in `expression_rates`, were measured on the
interpreter, and err on the side of refusing): `n` per `all`/`exists` over `n` elements (times the cost of its
body), plus `n² / 5` more for a `map`/`filter` times (1 + the elements each element of its result holds), plus
`n² / 2` times the characters each holds, per 1,000; a concatenation `a + b` one step per 1,000 characters it builds
(texts) or per 5 elements (lists); `matches` one step per 250 characters searched (times 1 + its pattern's
length / 100), `contains` one per 1,000 (times 1 + its needle's length / 250, at most 5), a comparison (`==`, `<`,
`in`, `startsWith`) one per 1,000 characters or 100 list elements; compiling a regular expression one step per
character of its pattern; and handing back a result that holds a value read from data more than once, or a text or
list built by the expression, the steps to convert it (one per 1,000 characters or 2 values). The budget, 200,000
steps, is about 0.1 s.

This module holds the limits and the two bounds, the names the rest of the engine imports; the parts they are
built of are its siblings: `expression_rates` (the budget, the largest value, the rates), `expression_shape` (what
an expression's tokens say), `expression_bounds` (at most how large a value is) and `expression_estimate` (the
walk of an expression's tree that adds up its cost, and each expression's plan, read once).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from engine.definition.expression_bounds import (
    _A_SCALAR,
    _LIST,
    _MAP,
    _SCALAR,
    _SCALARS,
    _STATIC_VALUE,
    _TEXT,
    _TOPS,
    _Bound,
    _Shallow,
    _Values,
)
from engine.definition.expression_estimate import _CAUSES, Estimate, _estimate, _plan, _read_key, _tree
from engine.definition.expression_rates import MAX_COST, MAX_VALUE_SIZE
from engine.definition.expression_shape import ExpressionShape, shape_of

if TYPE_CHECKING:
    from engine.definition.cel_reading import Part, PathRef

__all__ = [
    "MAX_COMPREHENSION_NESTING",
    "MAX_COST",
    "MAX_EXPRESSION_LENGTH",
    "MAX_LITERAL_ELEMENTS",
    "MAX_VALUE_SIZE",
    "Estimate",
    "ExpressionShape",
    "runtime_cost",
    "runtime_estimate",
    "runtime_problem",
    "shape_of",
    "static_estimate",
    "static_problem",
]

MAX_EXPRESSION_LENGTH = 4_000
MAX_COMPREHENSION_NESTING = 2
MAX_LITERAL_ELEMENTS = 1_000


# --- the two bounds ---------------------------------------------------------------------------------------------

_MISSING = object()


def _value_at(variables: Mapping[str, Any], node: PathRef) -> Any:
    """The value at a path of the variables, or `_MISSING` (CEL fails there)."""
    parts = node.parts
    value: Any = variables
    if node.via_context:
        value = variables.get("context")
    elif len(parts) > 1 and isinstance(parts[1], str) and f"{parts[0]}.{parts[1]}" in variables:
        value, parts = variables[f"{parts[0]}.{parts[1]}"], parts[2:]  # a dotted name in the scope
    for part in parts:
        if isinstance(value, Mapping):
            if part not in value:
                return _MISSING
            value = value[part]
        elif isinstance(value, list | tuple) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            return _MISSING
    return value


def _measured(variables: Mapping[str, Any]) -> Callable[[PathRef], _Bound]:
    """The bound of each value an expression reads, measured in `variables` (each path once)."""
    found: dict[tuple[bool, tuple[Part, ...]], _Bound] = {}

    def read(node: PathRef) -> _Bound:
        key = _read_key(node)
        bound = found.get(key)
        if bound is None:
            value = _value_at(variables, node)
            if isinstance(value, str | bytes):
                bound = _Bound(_TEXT, chars=len(value))
            elif isinstance(value, Mapping | list | tuple):
                bound = _Values([value])
            else:
                bound = _A_SCALAR  # a number, a boolean, null, a time; or nothing
            found[key] = bound
        return bound

    return read


def _tops(variables: Mapping[str, Any], reads: tuple[tuple[str | None, PathRef], ...]) -> tuple[Any, ...]:
    """The kind of each value read and its length or characters, rounded up to a power of two."""
    found: list[Any] = []
    for name, node in reads:
        value = variables.get(name, _MISSING) if name is not None else _value_at(variables, node)
        kind = type(value)
        if kind in _SCALARS or value is _MISSING:
            found.append(_SCALAR)
            continue
        top = _TOPS.get(kind)
        if top is None:  # another text, list or map type than JSON's
            top = (_TEXT if isinstance(value, str | bytes) else _MAP if isinstance(value, Mapping)
                   else _LIST if isinstance(value, list | tuple) else _SCALAR)
            if top == _SCALAR:
                found.append(_SCALAR)
                continue
        found.append(top)
        found.append(1 << (len(value) - 1).bit_length() if value else 0)
    return tuple(found)


@lru_cache(maxsize=16_384)
def _shallow_cost(source: str, tops: tuple[Any, ...]) -> int:
    """The cost of `source` with values of the kinds and sizes `tops` gives (see `_tops`), their parts unknown.
    No smaller than the cost with the values themselves: every cost grows with the sizes."""
    plan = _plan(source)
    bounds: dict[tuple[bool, tuple[Part, ...]], _Bound] = {}
    at = 0
    for _, node in plan.reads:
        kind = tops[at]
        if kind == _SCALAR:
            bounds[_read_key(node)] = _A_SCALAR
            at += 1
        else:
            size = tops[at + 1]
            bounds[_read_key(node)] = _Shallow(kind, 0 if kind == _TEXT else size, size if kind == _TEXT else 0)
            at += 2
    estimate, _ = _estimate(plan.tree, source, lambda node: bounds[_read_key(node)], patterns_from_data=True,
                            variables=None)
    return estimate.steps


def runtime_estimate(source: str, variables: Mapping[str, Any]) -> Estimate:
    """The estimated cost of evaluating `source` against `variables`, from their actual kinds and sizes."""
    estimate, _ = _estimate(_plan(source).tree, source, _measured(variables), patterns_from_data=True,
                            variables=variables)
    return estimate


def runtime_cost(source: str, variables: Mapping[str, Any]) -> int:
    """The estimated cost of evaluating `source` against `variables` (0 for expressions that only read and
    compare small values)."""
    return runtime_estimate(source, variables).steps


def runtime_problem(source: str, variables: Mapping[str, Any]) -> str | None:
    """Why evaluating `source` against `variables` would cost too much, or None. Expressions within the budget
    for any values within the engine's JSON limits (most) are not measured."""
    plan = _plan(source)
    if plan.worst <= MAX_COST or _shallow_cost(source, _tops(variables, plan.reads)) <= MAX_COST:
        return None
    estimate = runtime_estimate(source, variables)
    if estimate.steps <= MAX_COST:
        return None
    return (f"its estimated cost over these values is {estimate.steps:,} steps, over the limit of {MAX_COST:,} "
            f"({_CAUSES[estimate.cause]})")


_DETAILS = {
    "comprehensions": "its comprehensions over its literals",
    "concatenation": "its concatenations and conversions copy the values it reads many times over",
    "result": "its result holds values it reads more than once, each to be converted again",
    "search": "it searches or compares the values it reads many times over (contains, matches, in, ==, <, …)",
    "patterns": "it compiles long regular expressions",
}


@lru_cache(maxsize=16_384)  # validated again after every edit in the designer
def static_estimate(source: str) -> Estimate:
    """The estimated cost of `source` with every value it reads from data a text of `MAX_VALUE_SIZE` characters
    and every list it iterates of one element, and what costs most in it, in words (`Estimate.detail`)."""
    estimate, estimator = _estimate(_tree(source), source, lambda _: _STATIC_VALUE, patterns_from_data=False,
                                    variables=None)
    if estimate.cause == "concatenation" and estimator is not None and estimator.chain[1] > 1:
        _, terms, built = estimator.chain
        times = max(1, math.ceil(built / MAX_VALUE_SIZE))
        return Estimate(estimate.steps, estimate.cause,
                        f"it concatenates {terms:,} values with '+', building a text or list of up to {times:,} "
                        f"times the size of a value it reads")
    return Estimate(estimate.steps, estimate.cause, _DETAILS[estimate.cause])


def static_problem(source: str) -> str | None:
    """Why `source` is too costly to accept in a definition, or None. Independent of any data."""
    shape = shape_of(source)
    if shape.length > MAX_EXPRESSION_LENGTH:
        return f"it is {shape.length} characters long; the limit is {MAX_EXPRESSION_LENGTH}"
    if shape.nesting > MAX_COMPREHENSION_NESTING:
        return (f"it nests {shape.nesting} comprehensions (map, filter, all, exists, exists_one); "
                f"the limit is {MAX_COMPREHENSION_NESTING}")
    if shape.largest_literal > MAX_LITERAL_ELEMENTS:
        return f"a literal holds {shape.largest_literal} elements; the limit is {MAX_LITERAL_ELEMENTS}"
    estimate = static_estimate(source)
    if estimate.steps <= MAX_COST:
        return None
    if estimate.cause == "comprehensions":
        return f"its estimated cost over its literals is {estimate.steps:,} steps; the limit is {MAX_COST:,}"
    return (f"{estimate.detail}; with values as large as a context may hold ({MAX_VALUE_SIZE:,} characters), "
            f"that is an estimated {estimate.steps:,} steps, over the limit of {MAX_COST:,}")
