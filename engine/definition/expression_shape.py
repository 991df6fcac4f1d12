"""An expression's shape, read from its tokens alone: its length, the comprehensions it nests (`map`, `filter`,
`all`, `exists`, `exists_one`), the largest list or map literal it holds, its `+` signs; and the cost those
tokens say, for the expressions the tree estimate (`engine.definition.expression_estimate`) cannot read.

Its underscored names are for the other `expression_*` modules of this package only."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from engine.definition.expression_rates import _CHARS_COPIED, MAX_COST

__all__ = ["ExpressionShape", "shape_of"]

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
    """What the checks of an expression's form need to know of it, computed once per source text."""

    length: int
    comprehensions: tuple[_Comprehension, ...]
    nesting: int
    largest_literal: int
    concatenations: int = 0  # its `+` tokens (outside texts): for expressions the estimate cannot read


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
    return ExpressionShape(len(source), tuple(roots), nesting, _literal_elements(tokens), tokens.count("+"))


# --- the estimate for expressions not read into a tree (see `expression_estimate._Plan`) -----------------------

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


def _chain_cost(terms: int, size: int) -> float:
    """Steps to concatenate `terms` values of `size` characters, left to right: 2, 3, … `terms` times `size` built."""
    return (terms * (terms + 1) // 2 - 1) * size / _CHARS_COPIED if terms > 1 else 0.0

