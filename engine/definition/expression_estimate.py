"""The estimated cost of an expression (`Estimate`), from one walk of its tree (`_Estimator`) with the bound of
every value it reads, and each expression's plan (`_plan`): its tree, read once, and its cost with any values
within the engine's JSON limits.

Its underscored names are for the other `expression_*` modules of this package only."""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from engine.definition.expression_bounds import (
    _A_SCALAR,
    _ANY,
    _LIST,
    _MAP,
    _NOTHING,
    _SCALAR,
    _TEXT,
    _WORST_VALUE,
    _Bound,
    _join,
    _join_all,
)
from engine.definition.expression_rates import (
    _CHARS_COMPARED,
    _CHARS_COPIED,
    _CHARS_SEARCHED,
    _ELEMENTS_COPIED,
    _ELEMENTS_SCANNED,
    _LONG_NEEDLE,
    _PATTERN_CHARS,
    _PATTERN_WIDTH,
    _VALUES_CONVERTED,
    MAX_VALUE_SIZE,
)
from engine.definition.expression_shape import _chain_cost, _cost, _Sizes, shape_of

if TYPE_CHECKING:
    from engine.definition.cel_reading import Node, Part, PathRef

__all__ = ["Estimate"]


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
    # `expression_cost`, which imports this module
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

