"""How much a CEL expression may cost, estimated before it runs.

The CEL interpreter has no cost limit of its own and holds the GIL while it runs: one guard such as
`size(L.map(a, L.map(b, L.map(c, a + b + c)))) > 0` over a literal list of 70 numbers takes seconds, and a
`map` or `filter` costs the square of its list's length (its result is rebuilt on every element). So every
expression is bounded twice:

- **when a definition is validated** (`static_cost`): its length, how deeply its comprehensions (`map`,
  `filter`, `all`, `exists`, `exists_one`) nest, how many elements its list and map literals hold, and its
  cost over those literals;
- **before each evaluation** (`runtime_cost`): the same estimate with the actual sizes of the lists and maps
  it iterates, read from the variables it is given; an expression over the budget is refused, not run.

Cost is counted in steps of roughly half a microsecond: `n` per `all`/`exists` over `n` elements (times the
cost of its body), plus `n² / 5` more for a `map`/`filter`. The budget, 200,000 steps, is about 0.1 s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

__all__ = [
    "MAX_COMPREHENSION_NESTING",
    "MAX_COST",
    "MAX_EXPRESSION_LENGTH",
    "MAX_LITERAL_ELEMENTS",
    "ExpressionShape",
    "runtime_cost",
    "shape_of",
    "static_problem",
]

MAX_EXPRESSION_LENGTH = 4_000
MAX_COMPREHENSION_NESTING = 2
MAX_LITERAL_ELEMENTS = 1_000
MAX_COST = 200_000

_MACROS = frozenset({"map", "filter", "all", "exists", "exists_one"})
_QUADRATIC = frozenset({"map", "filter"})
_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<string>[rRbB]{0,2}(?:\"\"\"(?:\\.|[^\\])*?\"\"\"|'''(?:\\.|[^\\])*?'''
                                 |"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))
      | (?P<number>\d[\w.]*)
      | (?P<ident>[A-Za-z_]\w*)
      | (?P<punct>[()\[\]{}.,:?+])
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


@dataclass(slots=True)
class _Comprehension:
    """`receiver.macro(var, body)`: what it iterates (the receiver's tokens) and the comprehensions inside."""

    macro: str
    receiver: tuple[str, ...]
    variable: str
    inner: list[_Comprehension] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ExpressionShape:
    """What the cost estimate needs to know of an expression, computed once per source text."""

    length: int
    comprehensions: tuple[_Comprehension, ...]
    nesting: int
    largest_literal: int


def _tokens(source: str) -> list[str]:
    return [m.group() for m in _TOKEN.finditer(source) if m.lastgroup != "space"]


def _is_name(token: str) -> bool:
    return token[0].isalnum() or token[0] in "_\"'"


def _matching_open(tokens: list[str], close: int) -> int:
    depth = 0
    for i in range(close, -1, -1):
        if tokens[i] in (")", "]", "}"):
            depth += 1
        elif tokens[i] in ("(", "[", "{"):
            depth -= 1
            if depth == 0:
                return i
    return 0


def _receiver_start(tokens: list[str], dot: int) -> int:
    """The index of the first token of the operand that ends just before `tokens[dot]` (a `.`)."""
    i = dot - 1
    while i >= 0:
        if tokens[i] in (")", "]", "}"):
            i = _matching_open(tokens, i)
            if i > 0 and tokens[i] in ("(", "[") and (_is_name(tokens[i - 1]) or tokens[i - 1] in (")", "]")):
                i -= 1  # a call `f(...)` or an index `x[...]`: the operand goes on to the left
                continue
        elif not _is_name(tokens[i]):
            return i + 1
        if i > 1 and tokens[i - 1] == ".":
            i -= 2
            continue
        return i
    return 0


_OPERATORS = frozenset({"(", "[", "{", ",", ":", "?", "+", "-", "*", "/", "%", "!", "&&", "||", "=", "<", ">"})


def _opens_literal(tokens: list[str], index: int) -> bool:
    """Whether the bracket at `index` starts a list or map literal (not a call, an index or a group)."""
    if tokens[index] == "{":
        return True
    if tokens[index] != "[":
        return False
    before = tokens[index - 1] if index > 0 else ","
    return before in _OPERATORS or not (_is_name(before) or before in (")", "]"))


def _literal_elements(tokens: list[str]) -> int:
    """The most elements any one list or map literal in `tokens` holds."""
    largest = 0
    open_brackets: list[tuple[bool, list[int]]] = []  # per open bracket: is it a literal, its element count
    for index, part in enumerate(tokens):
        if part in ("[", "{", "("):
            empty = index + 1 < len(tokens) and tokens[index + 1] in ("]", "}", ")")
            open_brackets.append((_opens_literal(tokens, index), [0 if empty else 1]))
        elif part in ("]", "}", ")") and open_brackets:
            literal, count = open_brackets.pop()
            if literal:
                largest = max(largest, count[0])
        elif part == "," and open_brackets:
            open_brackets[-1][1][0] += 1
    return largest


def _parse(tokens: list[str]) -> tuple[list[_Comprehension], int]:
    """The comprehension tree of `tokens` and its deepest nesting."""
    roots: list[_Comprehension] = []
    open_calls: list[_Comprehension | None] = []  # one entry per open bracket
    deepest = 0
    for index, part in enumerate(tokens):
        if part in ("(", "[", "{"):
            macro = tokens[index - 1] if index >= 2 and tokens[index - 2] == "." else None
            if part == "(" and macro in _MACROS:
                receiver = tuple(tokens[_receiver_start(tokens, index - 2):index - 2])
                variable = tokens[index + 1] if index + 1 < len(tokens) else ""
                found = _Comprehension(macro, receiver, variable)
                enclosing = [c for c in open_calls if c is not None]
                (enclosing[-1].inner if enclosing else roots).append(found)
                open_calls.append(found)
                deepest = max(deepest, len(enclosing) + 1)
            else:
                open_calls.append(None)
        elif part in (")", "]", "}") and open_calls:
            open_calls.pop()
    return roots, deepest


@lru_cache(maxsize=16_384)  # as many as the compiled programs kept (`expressions._PROGRAMS`)
def shape_of(source: str) -> ExpressionShape:
    tokens = _tokens(source)
    roots, nesting = _parse(tokens)
    return ExpressionShape(len(source), tuple(roots), nesting, _literal_elements(tokens))


def _largest_collection(values: Iterable[Any], budget: int = 100_000) -> int:
    """The length of the largest list or map among `values` and everything they hold (a bounded walk)."""
    largest = 0
    pending = list(values)
    while pending and budget > 0:
        value = pending.pop()
        budget -= 1
        if isinstance(value, Mapping):
            largest = max(largest, len(value))
            pending.extend(value.values())
        elif isinstance(value, list | tuple):
            largest = max(largest, len(value))
            pending.extend(value)
    return largest if budget > 0 else max(largest, 10**9)


class _Sizes:
    """The size of what a comprehension iterates, from its receiver's tokens and the actual variables."""

    def __init__(self, variables: Mapping[str, Any] | None) -> None:
        self._variables = variables
        self._largest: int | None = None

    def largest(self) -> int:
        if self._variables is None:
            return 1
        if self._largest is None:
            self._largest = _largest_collection(self._variables.values())
        return self._largest

    def of(self, receiver: tuple[str, ...], loop_variables: frozenset[str]) -> int:
        if receiver and receiver[0] == "[" and receiver[-1] == "]":
            literal = _literal_elements(list(receiver))
            return literal if "+" not in receiver else literal + self.largest() * (receiver.count("+"))
        if receiver and all(t == "." or t[0].isalpha() or t[0] == "_" for t in receiver):
            names = [t for t in receiver if t != "."]
            if self._variables is None or names[0] in loop_variables or names[0] not in self._variables:
                return self.largest()
            value: Any = self._variables[names[0]]
            for name in names[1:]:
                value = value.get(name) if isinstance(value, Mapping) else None
            return len(value) if isinstance(value, Mapping | list | tuple | str) else 0
        return self.largest() * (1 + receiver.count("+")) + _literal_elements(list(receiver))


def _cost(comprehensions: Iterable[_Comprehension], sizes: _Sizes, loop_variables: frozenset[str]) -> int:
    total = 0
    for c in comprehensions:
        n = sizes.of(c.receiver, loop_variables)
        body = _cost(c.inner, sizes, loop_variables | {c.variable})
        total += n * (1 + body) + (n * n // 5 if c.macro in _QUADRATIC else 0)
        if total > MAX_COST * 1000:
            break  # far over already: no need to multiply further
    return total


def runtime_cost(source: str, variables: Mapping[str, Any]) -> int:
    """The estimated cost of evaluating `source` against `variables` (0 for expressions without comprehensions)."""
    shape = shape_of(source)
    if not shape.comprehensions:
        return 0
    return _cost(shape.comprehensions, _Sizes(variables), frozenset())


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
    cost = _cost(shape.comprehensions, _Sizes(None), frozenset())
    if cost > MAX_COST:
        return f"its estimated cost over its literals is {cost:,} steps; the limit is {MAX_COST:,}"
    return None
