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

Cost is counted in steps of roughly half a microsecond (the rates below were measured on the interpreter, and
err on the side of refusing): `n` per `all`/`exists` over `n` elements (times the cost of its body), plus
`n² / 5` more for a `map`/`filter` times (1 + the elements each element of its result holds), plus `n² / 2`
times the characters each holds, per 1,000; a concatenation `a + b` one step per 1,000 characters it builds
(texts) or per 5 elements (lists); `matches` one step per 250 characters searched (times 1 + its pattern's
length / 100), `contains` one per 1,000 (times 1 + its needle's length / 250, at most 5), a comparison (`==`,
`<`, `in`, `startsWith`) one per 1,000 characters or 100 list elements; compiling a regular expression one step
per character of its pattern; and handing back a result that holds a value read from data more than once, or a
text or list built by the expression, the steps to convert it (one per 1,000 characters or 2 values). The
budget, 200,000 steps, is about 0.1 s.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from engine.json_limits import MAX_JSON_BYTES

if TYPE_CHECKING:
    from engine.definition.cel_reading import Node, Part, PathRef

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
MAX_COST = 200_000
MAX_VALUE_SIZE = MAX_JSON_BYTES
"""The largest value an expression reads from data, in characters (a text) or elements (a list): the engine
holds contexts, payloads and outputs to `MAX_JSON_BYTES` of JSON, and a character or an element takes at least
one byte of it."""

# Rates, as units per step (a step is about half a microsecond), measured on the CEL interpreter with values of
# 10 KB to 1 MB (a 1 MB text copied: ~0.3 ms; a list element copied: 25-100 ns; a value converted to Python:
# 60-500 ns; `contains` with a needle that defeats its skipping: ~2 ns a character; a pattern compiled:
# 100-1,200 ns a character).
_CHARS_COPIED = 1_000  # characters of text a concatenation builds, or a result converts
_ELEMENTS_COPIED = 5  # elements a list concatenation or a list literal copies
_VALUES_CONVERTED = 2  # values (elements, entries) of a result converted to Python
_CHARS_COMPARED = 1_000  # characters `==`, `<`, `startsWith`, `in` compare
_ELEMENTS_SCANNED = 100  # list elements `in` or `==` go through
_CHARS_SEARCHED = 250  # characters `matches` searches; `contains` compares 1,000 with a short needle, fewer with
_LONG_NEEDLE = 1_000  # a longer one: (1 + needle / 250) times fewer, up to 5 (a needle of 1,000 or more)
_PATTERN_CHARS = 1  # characters of a regular expression compiled
_PATTERN_WIDTH = 100  # matching is up to (1 + pattern characters / 100) times slower than a plain search
_WALK_BUDGET = 200_000  # values looked at to measure one value read from data; past it, the worst is assumed

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


# --- the estimate for expressions not read into a tree (see `_Plan`) -------------------------------------------

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


# --- bounds: at most how large a value is ----------------------------------------------------------------------

_TEXT, _LIST, _MAP, _SCALAR, _ANY = "text", "list", "map", "scalar", "any"
_TOPS: dict[type, str] = {str: _TEXT, bytes: _TEXT, dict: _MAP, list: _LIST, tuple: _LIST}
_SCALARS = frozenset({int, float, bool, type(None)})


class _Bound:
    """At most how large a value is: its `kind` (text, list, map, scalar, or any of them), its `length` (elements
    of a list, entries of a map; 0 for a text or a scalar), `chars` (the characters of a text, or of the texts a
    literal holds; bytes count as text) and `item`, the bound of any element, key, value or member of it."""

    __slots__ = ("_chars", "_item", "_kind", "_length")

    def __init__(self, kind: str, length: int = 0, chars: int = 0,
                 item: _Bound | Callable[[], _Bound] | None = None) -> None:
        self._kind = kind
        self._length = length
        self._chars = chars
        self._item = item

    @property
    def kind(self) -> str:
        return self._kind

    @property
    def length(self) -> int:
        return self._length

    @property
    def chars(self) -> int:
        return self._chars

    @property
    def item(self) -> _Bound:
        item = self._item
        if item is None:
            return _NOTHING
        if not isinstance(item, _Bound):
            item = self._item = item()
        return item

    def member(self, part: Part) -> _Bound:  # noqa: ARG002 - measured values (`_Values`) look the part up
        """The bound of `value.part` or `value[part]`."""
        return self.item

    def conversion(self) -> float:
        """Steps to convert the whole value into a Python value (for a value a result holds more than once)."""
        return self.chars / _CHARS_COPIED + self.length / _VALUES_CONVERTED


def _unread(kind: str, length: int, chars: int) -> _Bound:
    """A value read from data of which nothing is known but its bounds; any part of it has the same bounds."""
    bound = _Bound(kind, length, chars)
    bound._item = bound
    return bound


_NOTHING = _Bound(_SCALAR)
_A_SCALAR = _Bound(_SCALAR)
_STATIC_VALUE = _unread(_ANY, 1, MAX_VALUE_SIZE)
"""What validation assumes of a value read from data: a text as long as a context may hold (what a chain of
concatenations or repeats would multiply), iterated as if it had one element (how long a list is, is judged when
the expression is evaluated, with the list)."""
_WORST_VALUE = _unread(_ANY, MAX_VALUE_SIZE // 2, MAX_VALUE_SIZE)
"""The most a value read from data within the engine's JSON limits may be: 1 MiB of text, or a list or map of
half as many elements (an element takes at least two bytes of JSON: itself and a comma)."""


class _TooLarge(Exception):
    """A value with more parts than a measure looks at."""


class _Values(_Bound):
    """The bound of actual values: the value at a path of the variables, or every value a loop variable takes
    (the elements of what it iterates). The values are gathered, and measured, when first asked about; values
    with more parts than `_WALK_BUDGET` are taken for the worst (`_WORST_VALUE`)."""

    __slots__ = ("_converted", "_members", "_source", "_values")

    def __init__(self, values: list[Any] | Callable[[], list[Any]]) -> None:
        super().__init__(_SCALAR)  # measured when first asked
        self._source = values
        self._values: list[Any] | None = None
        self._members: dict[Part, _Bound] = {}
        self._converted: float | None = None

    @property
    def values(self) -> list[Any]:
        if self._values is None:
            return self._load()
        return self._values

    def _load(self) -> list[Any]:
        try:
            values = self._source if isinstance(self._source, list) else self._source()
        except _TooLarge:
            self._members[""] = _WORST_VALUE
            self._kind, self._length, self._chars = _ANY, _WORST_VALUE.length, _WORST_VALUE.chars
            self._values = []
            return self._values
        types = set(map(type, values))
        if types <= _SCALARS:  # most values are alike (numbers, texts, records): measured without a Python loop
            self._kind, self._length, self._chars = _SCALAR, 0, 0
        elif len(types) == 1 and (kind := _TOPS.get(next(iter(types)))) is not None:
            size = max(map(len, values))
            self._kind, self._length, self._chars = kind, 0 if kind == _TEXT else size, size if kind == _TEXT else 0
        else:
            self._measure_each(values)
        self._values = values
        return values

    def _measure_each(self, values: list[Any]) -> None:
        kinds: set[str] = set()
        length = chars = 0
        for value in values:
            if isinstance(value, str | bytes):
                kinds.add(_TEXT)
                chars = max(chars, len(value))
            elif isinstance(value, Mapping):
                kinds.add(_MAP)
                length = max(length, len(value))
            elif isinstance(value, list | tuple):
                kinds.add(_LIST)
                length = max(length, len(value))
            else:
                kinds.add(_SCALAR)
        self._kind = kinds.pop() if len(kinds) == 1 else _ANY if kinds else _SCALAR
        self._length, self._chars = length, chars

    @property
    def kind(self) -> str:
        if self._values is None:
            self._load()
        return self._kind

    @property
    def length(self) -> int:
        if self._values is None:
            self._load()
        return self._length

    @property
    def chars(self) -> int:
        if self._values is None:
            self._load()
        return self._chars

    @property
    def item(self) -> _Bound:
        found = self._members.get("")  # the key no part has: the elements themselves
        if found is None:
            found = self._members[""] = _Values(self._children)
        return found

    def _whole(self) -> list[Any]:
        """The values, or `_TooLarge` for values with too many parts to measure."""
        values = self.values
        if self._members.get("") is _WORST_VALUE:
            raise _TooLarge
        return values

    def _children(self) -> list[Any]:
        found: list[Any] = []
        for value in self._whole():
            if type(value) is list or (type(value) is not dict and isinstance(value, tuple)):
                found.extend(value)
            elif type(value) is dict or isinstance(value, Mapping):
                found.extend(value)
                found.extend(value.values())
            if len(found) > _WALK_BUDGET:
                raise _TooLarge
        return found

    def member(self, part: Part) -> _Bound:
        found = self._members.get(part)
        if found is None:
            found = self._members[part] = _Values(lambda: self._at(part))
        return found

    def _at(self, part: Part) -> list[Any]:
        if isinstance(part, str):
            return [v[part] for v in self._whole() if (type(v) is dict or isinstance(v, Mapping)) and part in v]
        return [v[part] for v in self._whole()
                if (type(v) is list or isinstance(v, list | tuple)) and -len(v) <= part < len(v)]

    def conversion(self) -> float:
        if self._converted is None:
            self._converted = self._conversion()
        return self._converted

    def _conversion(self) -> float:
        most = 0.0
        budget = _WALK_BUDGET
        try:
            values = self._whole()
        except _TooLarge:
            return _WORST_VALUE.conversion()
        for value in values:
            nodes = chars = 0
            pending = [value]
            while pending:
                budget -= 1
                if budget < 0:
                    return _WORST_VALUE.conversion()
                one = pending.pop()
                nodes += 1
                if isinstance(one, str | bytes):
                    chars += len(one)
                elif isinstance(one, Mapping):
                    pending.extend(one.values())
                    chars += sum(len(k) for k in one if isinstance(k, str))
                elif isinstance(one, list | tuple):
                    pending.extend(one)
            most = max(most, chars / _CHARS_COPIED + nodes / _VALUES_CONVERTED)
        return most


def _join(first: _Bound, second: _Bound) -> _Bound:
    """A bound of a value that is either of two (a condition's branches, a literal's elements)."""
    if first is second or second is _NOTHING:
        return first
    if first is _NOTHING:
        return second
    kind = first.kind if first.kind == second.kind else _ANY
    return _Bound(kind, max(first.length, second.length), max(first.chars, second.chars),
                  lambda: _join(first.item, second.item))


def _join_all(bounds: Iterable[_Bound]) -> _Bound:
    found = _NOTHING
    for bound in bounds:
        found = _join(found, bound)
    return found


# --- the estimate -----------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Estimate:
    """An expression's estimated cost in steps, and what costs most in it, in words."""

    steps: int
    cause: str  # comprehensions, concatenation, result, search, patterns
    detail: str = ""  # the cause for a reader: "it concatenates 1,000 values with '+'", …


_CAUSES = {
    "comprehensions": "comprehensions over long lists",
    "concatenation": "concatenations of long texts or lists",
    "result": "a result that repeats large values",
    "search": "searches and comparisons over long texts or lists",
    "patterns": "long regular expressions",
}
_SCALAR_FUNCTIONS = frozenset({
    "size", "int", "uint", "double", "bool", "type", "timestamp", "duration", "contains", "startsWith",
    "endsWith", "matches", "exists", "all", "exists_one", "existsOne", "hasValue",
    "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getFullYear", "getHours", "getMilliseconds",
    "getMinutes", "getMonth", "getSeconds",
})
# the macros, with how many of their first arguments name the variables they bind (0: all but the last one), as
# `engine.definition.cel_reading` reads them
_VARIABLES = {"all": 0, "exists": 0, "exists_one": 0, "existsOne": 0, "map": 1, "filter": 1, "transformList": 2,
              "transformMap": 2, "bind": 1}
_ARITHMETIC = frozenset({"-", "*", "/", "%", "&&", "||"})
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_BINARY = _ARITHMETIC | _COMPARISONS | {"+", "in"}
_NODES: dict[type, str] = {}  # the reader's node types: literal, path, call, operation (filled by `_tree`)
_PASSING_ON = frozenset({"map", "transformList", "transformMap", "filter", "bind"})  # their result: an argument's
_Read = tuple[tuple[bool, tuple["Part", ...]], "_Bound", float]  # a value passed on to a result: its path, bound, times


def _read_key(node: PathRef) -> tuple[bool, tuple[Part, ...]]:
    return node.via_context, node.parts


class _Estimator:
    """Walks an expression's tree once, with the bound of every value it reads, adding up what each operation
    costs (times the elements of the comprehensions around it)."""

    def __init__(self, read: Callable[[PathRef], _Bound], *, patterns_from_data: bool) -> None:
        self._read = read
        self._patterns_from_data = patterns_from_data  # whether a pattern read from data is costed (not deferred)
        self.costs = dict.fromkeys(_CAUSES, 0.0)
        self._scale = 1.0  # the elements of the comprehensions around the node being estimated, multiplied
        self._bounds: dict[int, _Bound] = {}  # id(node) -> its bound, for the cost of the result
        self.chain = (0.0, 0, 0)  # the costliest chain of `+`: its cost, its terms, the characters it builds

    def add(self, cause: str, steps: float) -> None:
        self.costs[cause] += steps * self._scale

    def estimate(self, tree: Node) -> None:
        self.bound(tree, {})
        reads: list[_Read] = []
        self.add("result", self._result(tree, 1.0, reads))
        if len(reads) > 1:
            counted = Counter(key for key, _, _ in reads)
            for key, bound, times in reads:
                if counted[key] > 1:  # a value read once is converted once, on the way in: only repeats add
                    self.add("result", times * bound.conversion())

    def bound(self, node: Any, scope: Mapping[str, _Bound]) -> _Bound:
        kind = _NODES[type(node)]
        if kind == "literal":
            found = _Bound(_TEXT, chars=len(node.value)) if node.kind in ("string", "bytes") else _A_SCALAR
        elif kind == "path":
            found = self._path(node, scope)
        elif kind == "call":
            found = self._call(node, scope)
        else:
            found = self._operation(node, scope)
        self._bounds[id(node)] = found
        return found

    def _path(self, node: Any, scope: Mapping[str, _Bound]) -> _Bound:
        first = node.parts[0]
        if node.via_context or first not in scope:
            return self._read(node)
        found = scope[first]  # a comprehension's variable
        for part in node.parts[1:]:
            found = found.member(part)
        return found

    def _operation(self, node: Any, scope: Mapping[str, _Bound]) -> _Bound:
        op, operands = node.op, node.operands
        if op in _BINARY and len(operands) == 2:
            return self._binary_chain(node, scope)
        if op == "?:":  # one branch or the other: the costlier
            self.bound(operands[0], scope)
            before = dict(self.costs)
            yes = self.bound(operands[1], scope)
            after_yes, self.costs = self.costs, before
            no = self.bound(operands[2], scope)
            if sum(after_yes.values()) > sum(self.costs.values()):
                self.costs = after_yes
            return _join(yes, no)
        bounds = [self.bound(operand, scope) for operand in operands]
        if op == "[]":
            self.add("concatenation", len(bounds) / _ELEMENTS_COPIED)
            return _Bound(_LIST, len(bounds), sum(b.chars for b in bounds), lambda: _join_all(bounds))
        if op == "{}":
            self.add("concatenation", len(bounds) / _ELEMENTS_COPIED)
            return _Bound(_MAP, len(bounds) // 2, sum(b.chars for b in bounds), lambda: _join_all(bounds))
        if op in ("index", "."):
            return bounds[0].item
        return _A_SCALAR  # `!`, `-`

    def _binary_chain(self, node: Any, scope: Mapping[str, _Bound]) -> _Bound:
        """A binary operation and the ones of its left operand, left to right (a chain of 1,000 `+` is a tree
        1,000 deep: walked without recursing)."""
        spine = []
        current = node
        while _NODES[type(current)] == "operation" and current.op in _BINARY and len(current.operands) == 2:
            spine.append(current)
            current = current.operands[0]
        found = self.bound(current, scope)
        terms, chain = 1, 0.0
        for operation in reversed(spine):
            right = self.bound(operation.operands[1], scope)
            if operation.op == "+":
                before = self.costs["concatenation"]
                found = self._plus(found, right)
                chain += self.costs["concatenation"] - before
                terms += 1
            else:
                self._note_chain(chain, terms, found)
                terms, chain = 1, 0.0
                found = self._other_binary(operation.op, found, right)
            self._bounds[id(operation)] = found
        self._note_chain(chain, terms, found)
        return found

    def _note_chain(self, cost: float, terms: int, built: _Bound) -> None:
        if terms > 1 and cost > self.chain[0]:
            self.chain = (cost, terms, built.chars if built.kind != _LIST else built.length)

    def _plus(self, left: _Bound, right: _Bound) -> _Bound:
        kinds = {left.kind, right.kind}
        if _SCALAR in kinds:  # numbers, durations, timestamps: CEL adds no scalar to a text or a list
            return _A_SCALAR
        length, chars = left.length + right.length, left.chars + right.chars
        if _TEXT in kinds:
            self.add("concatenation", chars / _CHARS_COPIED)
            return _Bound(_TEXT, chars=chars)
        copied = length / _ELEMENTS_COPIED
        if _LIST in kinds or _MAP in kinds:
            self.add("concatenation", copied)
            return _Bound(_LIST, length, chars, lambda: _join(left.item, right.item))
        self.add("concatenation", copied + chars / _CHARS_COPIED)  # either: what both would cost
        return _Bound(_ANY, length, chars, lambda: _join(left.item, right.item))

    def _other_binary(self, op: str, left: _Bound, right: _Bound) -> _Bound:
        if op in _COMPARISONS:
            self.add("search", min(left.chars, right.chars) / _CHARS_COMPARED
                     + min(left.length, right.length) / _ELEMENTS_SCANNED)
        elif op == "in":
            self.add("search", right.length / _ELEMENTS_SCANNED + min(left.chars, right.chars) / _CHARS_COMPARED)
        return _A_SCALAR

    def _call(self, node: Any, scope: Mapping[str, _Bound]) -> _Bound:
        name, target, args = node.name, node.target, node.args
        if name == "has":
            return _A_SCALAR  # a presence test: it reads nothing whole
        count = (_VARIABLES[name] or len(args) - 1) if name in _VARIABLES else 0  # the names it binds
        variables = [a.parts[0] for a in args[:count] if _NODES[type(a)] == "path" and len(a.parts) == 1
                     and not a.via_context]
        if target is not None and 0 < count == len(variables) < len(args):
            if name == "bind":
                inner = {**scope, str(variables[0]): self.bound(args[1], scope)}
                return self.bound(args[-1], inner)
            return self._comprehension(name, self.bound(target, scope), variables, args[count:], scope)
        bounds = ([] if target is None else [self.bound(target, scope)]) + [self.bound(a, scope) for a in args]
        if name == "contains" and len(bounds) == 2:
            self.add("search", bounds[0].chars * (1 + min(bounds[1].chars, _LONG_NEEDLE) / _CHARS_SEARCHED)
                     / _CHARS_COMPARED)
        elif name in ("startsWith", "endsWith") and len(bounds) == 2:
            self.add("search", min(bounds[0].chars, bounds[1].chars) / _CHARS_COMPARED)
        elif name == "matches" and len(bounds) == 2:
            counted = _NODES[type(args[-1])] == "literal" or self._patterns_from_data
            pattern = bounds[1].chars if counted else 0
            self.add("patterns", pattern / _PATTERN_CHARS)
            self.add("search", bounds[0].chars * (1 + pattern / _PATTERN_WIDTH) / _CHARS_SEARCHED)
        if name in _SCALAR_FUNCTIONS:
            return _A_SCALAR
        chars = sum(b.chars for b in bounds)
        self.add("concatenation", chars / _CHARS_COPIED)  # `string(x)`, `bytes(x)`: a copy; others: as much
        if name in ("string", "bytes"):
            return _Bound(_TEXT, chars=max(chars, 32))
        return _join_all(bounds)  # `dyn(x)`, `optional.of(x)`, `x.orValue(y)`: one of what it is given

    def _comprehension(self, name: str, receiver: _Bound, variables: list[Part], bodies: tuple[Node, ...],
                       scope: Mapping[str, _Bound]) -> _Bound:
        n = receiver.length
        self.add("comprehensions", n)
        inner = {**scope, **{str(v): receiver.item for v in variables}}
        scale, self._scale = self._scale, self._scale * n
        try:
            found = [self.bound(body, inner) for body in bodies]
        finally:
            self._scale = scale
        if name in ("all", "exists", "exists_one", "existsOne"):
            return _A_SCALAR
        # map and filter rebuild their result on every element, copying what each element holds (texts too)
        each = receiver.item if name == "filter" else found[-1]
        self.add("comprehensions", n * n * (1 + each.length) / 5 + n * n / 2 * each.chars / _CHARS_COPIED)
        if name == "filter":
            return _Bound(_LIST, n, receiver.chars, lambda: receiver.item)
        if name == "transformMap":
            return _Bound(_MAP, n, n * each.chars, lambda: _join(receiver.item, each))
        return _Bound(_LIST, n, n * each.chars, lambda: each)

    def _result(self, node: Any, times: float, reads: list[_Read]) -> float:
        """Steps to convert into Python what `node` builds of its value (`times` over); the values it passes on
        as they were read go to `reads`, to be costed when one is read more than once."""
        bound = self._bounds.get(id(node), _NOTHING)
        kind = _NODES[type(node)]
        if kind == "literal" or bound.kind == _SCALAR:
            return 0.0
        if kind == "path":
            reads.append((_read_key(node), bound, times))
            return 0.0
        if kind == "operation" and node.op in ("[]", "{}", "?:", "index", ".", "+"):
            return self._operation_result(node, bound, times, reads)
        if kind == "call" and node.target is not None and node.args and node.name in _PASSING_ON:
            return self._call_result(node, times, reads)
        return times * (bound.chars / _CHARS_COPIED + bound.length / _VALUES_CONVERTED)

    def _call_result(self, node: Any, times: float, reads: list[_Read]) -> float:
        if node.name == "filter":
            return self._result(node.target, times, reads)
        if node.name == "bind":
            return self._result(node.args[-1], times, reads)
        n = self._bounds.get(id(node.target), _NOTHING).length  # map, transformList, transformMap
        return times * n / _VALUES_CONVERTED + self._result(node.args[-1], times * n, reads)

    def _operation_result(self, node: Any, bound: _Bound, times: float, reads: list[_Read]) -> float:
        if node.op in ("[]", "{}"):
            return (times * len(node.operands) / _VALUES_CONVERTED
                    + sum(self._result(operand, times, reads) for operand in node.operands))
        if node.op == "?:":  # one branch or the other: the costlier, with the values it passes on
            branches = []
            for branch in node.operands[1:]:
                passed: list[_Read] = []
                built = self._result(branch, times, passed)
                branches.append((built + sum(t * b.conversion() for _, b, t in passed), built, passed))
            _, built, passed = max(branches, key=lambda found: found[0])
            reads.extend(passed)
            return built
        if node.op != "+":
            return 0.0  # `index`, `.`: a part of a value, as that value was read or built
        if bound.kind == _TEXT:
            return times * bound.chars / _CHARS_COPIED
        terms = []
        current = node
        while _NODES[type(current)] == "operation" and current.op == "+" and len(current.operands) == 2:
            terms.append(current.operands[1])
            current = current.operands[0]
        terms.append(current)
        built = sum(self._result(term, times, reads) for term in terms)
        return built + (times * bound.chars / _CHARS_COPIED if bound.kind == _ANY else 0.0)

    def result(self) -> Estimate:
        cause = max(self.costs, key=self.costs.__getitem__)
        return Estimate(math.floor(sum(self.costs.values())), cause)


# --- plans: an expression's tree, read once ---------------------------------------------------------------------

class _Shallow(_Bound):
    """A value of which only the top is known (its kind, length, characters), not its parts: they may be as large
    as any (`_WORST_VALUE`)."""

    __slots__ = ()

    def __init__(self, kind: str, length: int = 0, chars: int = 0) -> None:
        super().__init__(kind, length, chars, _WORST_VALUE)

    def conversion(self) -> float:
        return super().conversion() if self.kind in (_TEXT, _SCALAR) else _WORST_VALUE.conversion()


@dataclass(frozen=True, slots=True)
class _Plan:
    """What evaluations of an expression need, computed once: its tree, its cost with any values within the
    JSON limits, and the values it reads."""

    tree: Node | None  # None: an expression the reader does not follow (message literals, nesting past Python's)
    worst: int  # its cost with any values within the JSON limits (`_WORST_VALUE`)
    reads: tuple[tuple[str | None, PathRef], ...]  # the values it reads from data, one path each (and its name,
    # when it is a bare name)


def _estimate(tree: Node | None, source: str, read: Callable[[PathRef], _Bound], *, patterns_from_data: bool,
              variables: Mapping[str, Any] | None) -> tuple[Estimate, _Estimator | None]:
    if tree is not None:
        estimator = _Estimator(read, patterns_from_data=patterns_from_data)
        try:
            estimator.estimate(tree)
        except RecursionError:
            pass
        else:
            return estimator.result(), estimator
    shape = shape_of(source)  # not read into a tree: comprehensions as their tokens say, `+` as one chain
    comprehensions = _cost(shape.comprehensions, _Sizes(variables), frozenset())
    steps = comprehensions + _chain_cost(shape.concatenations + 1, MAX_VALUE_SIZE)
    return Estimate(math.floor(steps), "comprehensions" if comprehensions >= steps / 2 else "concatenation"), None


def _tree(source: str) -> Node | None:
    """The expression's tree (`cel_reading.parse`, which keeps what it read), or None."""
    # imported here: the reader imports `engine.definition.scope`, which imports `expressions`, which imports
    # this module
    from engine.definition.cel_reading import (  # noqa: PLC0415
        Call,
        Literal,
        Operation,
        PathRef,
        UnreadableExpression,
        parse,
    )

    if not _NODES:
        _NODES.update({Literal: "literal", PathRef: "path", Call: "call", Operation: "operation"})
    try:
        return parse(source)
    except UnreadableExpression:
        return None


@lru_cache(maxsize=16_384)  # as many as the compiled programs kept (`expressions._PROGRAMS`)
def _plan(source: str) -> _Plan:
    tree = _tree(source)
    reads: dict[tuple[bool, tuple[Part, ...]], PathRef] = {}

    def worst(node: PathRef) -> _Bound:
        reads.setdefault(_read_key(node), node)
        return _WORST_VALUE

    most, estimator = _estimate(tree, source, worst, patterns_from_data=True, variables=None)
    if estimator is None:  # not read: measured every time
        return _Plan(tree, sys.maxsize, ())
    named = tuple((str(n.parts[0]) if len(n.parts) == 1 and not n.via_context else None, n) for n in reads.values())
    return _Plan(tree, most.steps, named)


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
