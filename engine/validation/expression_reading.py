"""What a CEL expression reads from the context, and what it compares those values with — for the checks that
hold expressions against the context schema (`type-mismatch`, `unknown-field`).

The CEL engine gives no syntax tree (only the top-level names an expression reads), so this module parses the
usual shapes of CEL into a small one: literals, names and member paths (`lead.score`, `context.lead.score`,
`matches[0].score`), calls and macros, unary, binary and conditional operators, list and map literals. An
expression outside those shapes (message literals, the optional syntax `a.?b`) raises `UnreadableExpression`,
and the checks say nothing about it: they only report what they read for certain.

`engine/testgen/cel_reading.py` parses a similar subset for test generation; it lives in a package that imports
the runtime, which validation may not (nor pay for at start-up), and it keeps no literal's type or text. The
nodes are named tuples: a `statewright validate` starts in half a second, and a frozen dataclass costs about
1 ms to define.
"""

from __future__ import annotations

import re
import typing
from functools import lru_cache
from typing import NamedTuple

from engine.definition.scope import RESERVED_NAMES

__all__ = [
    "Comparison",
    "Literal",
    "PathRead",
    "UnreadableExpression",
    "comparisons",
    "context_reads",
    "display_path",
]

Part = str | int
Role = typing.Literal["whole", "term", "part"]


class UnreadableExpression(ValueError):
    """CEL this reader does not follow (the engine may still evaluate it)."""


class Literal(NamedTuple):
    """A constant as written: `kind` is one of int, uint, double, string, bytes, bool, null."""

    kind: str
    text: str


class _Path(NamedTuple):
    """A name and the members and constant indexes after it: `m[0].s` → ('m', 0, 's')."""

    parts: tuple[Part, ...]


class _Call(NamedTuple):
    name: str
    target: _Node | None
    args: tuple[_Node, ...]


class _Operation(NamedTuple):
    """An operator (`&&`, `>=`, `in`, `!`, `?:`, ...), a list or map literal (`[]`, `{}`), or anything else read
    only for what is inside it (`.` on a value that is no path, `index` for an index that is not a constant)."""

    op: str
    operands: tuple[_Node, ...]


_Node = Literal | _Path | _Call | _Operation

_TOKEN = re.compile(
    r"""(?:\s|//[^\n]*)*(?:
      (?P<string>(?P<prefix>[rRbB]{0,2})(?:'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\"
                                         |'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"))
    | (?P<double>(?:\d+\.\d+|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+)
    | (?P<uint>(?:0[xX][0-9a-fA-F]+|\d+)[uU])
    | (?P<int>0[xX][0-9a-fA-F]+|\d+)
    | (?P<name>[A-Za-z_]\w*)
    | (?P<op>==|!=|<=|>=|&&|\|\||\.\?|\[\?|[<>!+\-*/%?:.\[\](){},])
    | (?P<end>\Z)
    )""",
    re.VERBOSE | re.DOTALL,
)
_RELATIONS = frozenset({"==", "!=", "<", "<=", ">", ">=", "in"})
# how tightly each binary operator binds: `||`, then `&&`, the relations, `+ -`, and `* / %` the tightest
_PRECEDENCE = {"||": 0, "&&": 1, **dict.fromkeys(_RELATIONS, 2), "+": 3, "-": 3, "*": 4, "/": 4, "%": 4}
_CONSTANTS = {"true": "bool", "false": "bool", "null": "null"}
_MACROS = frozenset({"all", "exists", "exists_one", "existsOne", "map", "filter", "transformList", "transformMap",
                     "bind"})


def _tokens(source: str) -> list[tuple[str, str]]:
    """(kind, text) pairs: kind is a literal's kind (int, uint, double, string, bytes), 'name' or 'op'."""
    found: list[tuple[str, str]] = []
    position = 0
    while True:
        match = _TOKEN.match(source, position)
        if match is None:
            raise UnreadableExpression(f"unexpected text at column {position + 1}")
        kind = match.lastgroup or "end"  # an outer group closes after the groups inside it: `string`, not `prefix`
        if kind == "end":
            return found
        text = match.group(kind)
        if kind == "string" and "b" in match.group("prefix").lower():
            kind = "bytes"
        elif kind == "op" and text in (".?", "[?"):
            raise UnreadableExpression("optional member access is not read here")
        found.append((kind, text))
        position = match.end()


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokens(source)
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise UnreadableExpression("the expression ends too early")
        token = self.tokens[self.at]
        if expected is not None and (token[0] != "op" or token[1] != expected):
            raise UnreadableExpression(f"expected '{expected}', found '{token[1]}'")
        self.at += 1
        return token

    def expression(self) -> _Node:
        condition = self.binary(0)
        if self.peek() != "?":
            return condition
        self.take("?")
        yes = self.expression()
        self.take(":")
        return _Operation("?:", (condition, yes, self.expression()))

    def binary(self, weakest: int) -> _Node:
        """Operands joined by operators binding at least as tightly as `weakest`, left to right."""
        left = self.unary()
        while self.at < len(self.tokens):
            kind, op = self.tokens[self.at]
            level = _PRECEDENCE.get(op, -1) if kind in ("op", "name") else -1
            if level < weakest:
                return left
            self.at += 1
            left = _Operation(op, (left, self.binary(level + 1)))
        return left

    def unary(self) -> _Node:
        if self.peek() in ("!", "-") and self.tokens[self.at][0] == "op":
            op = self.take()[1]
            operand = self.unary()
            if op == "-" and isinstance(operand, Literal) and operand.kind in ("int", "double"):
                return Literal(operand.kind, "-" + operand.text)
            return _Operation(op, (operand,))
        return self.postfix(self.primary())

    def postfix(self, node: _Node) -> _Node:
        while self.peek() in (".", "[") and self.tokens[self.at][0] == "op":
            if self.take()[1] == ".":
                kind, name = self.take()
                if kind != "name":
                    raise UnreadableExpression(f"a name was expected after '.', found '{name}'")
                if self.peek() == "(":
                    node = _Call(name, node, self.arguments(")"))
                else:
                    node = _Path((*node.parts, name)) if isinstance(node, _Path) else _Operation(".", (node,))
                continue
            index = self.expression()
            self.take("]")
            constant = _constant_index(index)
            node = _Path((*node.parts, constant)) if isinstance(node, _Path) and constant is not None else _Operation(
                "index", (node, index))
        return node

    def arguments(self, closing: str) -> tuple[_Node, ...]:
        self.take()
        found: list[_Node] = []
        while self.peek() != closing:
            found.append(self.expression())
            if self.peek() == ":":  # a map literal's key: value
                self.take(":")
                found.append(self.expression())
            if self.peek() != closing:
                self.take(",")
        self.take(closing)
        return tuple(found)

    def primary(self) -> _Node:
        kind, text = self.take()
        if kind == "name":
            if text in _CONSTANTS:
                return Literal(_CONSTANTS[text], text)
            if self.peek() == "(":
                return _Call(text, None, self.arguments(")"))
            if self.peek() == "{":
                raise UnreadableExpression("message literals are not read here")
            return _Path((text,))
        if kind != "op":
            return Literal(kind, text)
        if text == "(":
            inner = self.expression()
            self.take(")")
            return inner
        if text in ("[", "{"):
            self.at -= 1
            return _Operation(text + ("]" if text == "[" else "}"), self.arguments("]" if text == "[" else "}"))
        raise UnreadableExpression(f"unexpected '{text}'")


def _constant_index(index: _Node) -> Part | None:
    """The key of `[0]` or `['name']` (a plain string, without escapes); None for any other index."""
    if isinstance(index, Literal) and index.kind == "int" and index.text.isdigit():
        return int(index.text)
    if isinstance(index, Literal) and index.kind == "string" and re.fullmatch(r"'[\w-]*'|\"[\w-]*\"", index.text):
        return index.text[1:-1]
    return None


@lru_cache(maxsize=16_384)  # as many as the compiled programs kept (`engine.definition.expressions`)
def _parse(source: str) -> _Node:
    parser = _Parser(source)
    try:
        node = parser.expression()
    except RecursionError as exc:  # CEL itself refuses to nest much deeper than Python's stack allows here
        raise UnreadableExpression("the expression nests too deeply to be read here") from exc
    if parser.at != len(parser.tokens):
        raise UnreadableExpression(f"unexpected '{parser.tokens[parser.at][1]}'")
    return node


class PathRead(NamedTuple):
    """A context path an expression reads (`context.` taken off), and whether a `has()` test reads it."""

    parts: tuple[Part, ...]
    in_has: bool


class Comparison(NamedTuple):
    """`path op literal(s)`, the path on the left (`70 <= x` is read as `x >= 70`); `literals` holds one value,
    or a list literal's elements for `in`. `role` is 'whole' when the comparison is the whole expression, 'term'
    when it is one of the terms `&&` joins at its top (when it cannot be true, neither can the expression), and
    'part' anywhere else."""

    path: tuple[Part, ...]
    op: str
    literals: tuple[Literal, ...]
    role: Role


_CEL = _Path(("cel",))  # the namespace of `cel.bind`, as the target of the call
_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_SCOPE_NAMES = frozenset(RESERVED_NAMES) - {"context"}


def _context_path(node: _Node, bound: frozenset[str]) -> tuple[Part, ...] | None:
    """The context path a node reads, or None (a macro's variable, `event`, `now`, ... or no path at all)."""
    if not isinstance(node, _Path) or node.parts[0] in bound:
        return None
    parts = node.parts
    if parts[0] == "context":
        parts = parts[1:]
        if not parts or not isinstance(parts[0], str):
            return None
    elif parts[0] in _SCOPE_NAMES:
        return None
    return parts


def _bare_name(node: _Node) -> str | None:
    """`x` for a bare name (a macro's variable), else None."""
    if isinstance(node, _Path) and len(node.parts) == 1 and isinstance(node.parts[0], str):
        return node.parts[0]
    return None


def _walk(node: _Node) -> list[tuple[_Node, frozenset[str], Role]]:
    """Every node in the order written, each before the nodes inside it, with the names macros bind there and its
    role (see `Comparison`)."""
    found: list[tuple[_Node, frozenset[str], Role]] = []
    stack: list[tuple[_Node, frozenset[str], Role]] = [(node, frozenset(), "whole")]
    while stack:
        item = stack.pop()
        found.append(item)
        node, bound, role = item
        if isinstance(node, _Operation):
            inner_role: Role = "term" if node.op == "&&" and role != "part" else "part"
            stack.extend([(operand, bound, inner_role) for operand in reversed(node.operands)])
        elif isinstance(node, _Call):
            inner = bound
            if node.name in _MACROS and node.target is not None:  # xs.all(x, p), m.map(k, v, t), cel.bind(x, a, b)
                inner = bound | {name for name in map(_bare_name, node.args[:-1]) if name is not None}
            stack.extend([(arg, inner, "part") for arg in reversed(node.args)])
            if node.target is not None and not (node.name == "bind" and node.target == _CEL):  # `cel`: no value
                stack.append((node.target, bound, "part"))
    return found


@lru_cache(maxsize=16_384)
def context_reads(source: str) -> tuple[PathRead, ...]:
    """Every context path the expression reads, outside the variables its macros bind; a path a `has()` tests
    (or `'key' in path`) marked as tested. Raises `UnreadableExpression` for CEL outside the shapes read here."""
    found: list[PathRead] = []
    tested: set[int] = set()
    for node, bound, _ in _walk(_parse(source)):
        if isinstance(node, _Call) and node.name == "has" and node.target is None and len(node.args) == 1:
            tested.add(id(node.args[0]))
        elif isinstance(node, _Operation) and node.op == "in":  # `'key' in m` tests for m.key as has(m.key) does
            key, held = node.operands
            in_map = _context_path(held, bound)
            if in_map is not None and (name := _constant_index(key)) is not None:
                found.append(PathRead((*in_map, name), in_has=True))
        parts = _context_path(node, bound)
        if parts is not None:
            found.append(PathRead(parts, in_has=id(node) in tested))
    return tuple(found)


@lru_cache(maxsize=16_384)
def comparisons(source: str) -> tuple[Comparison, ...]:
    """Every comparison of a context path with literals: `path op literal`, `literal op path`, and
    `path in [literal, ...]`. Raises `UnreadableExpression` as `context_reads` does."""
    found: list[Comparison] = []
    for node, bound, role in _walk(_parse(source)):
        if not isinstance(node, _Operation) or node.op not in _RELATIONS or len(node.operands) != 2:
            continue
        left, right = node.operands
        left_path, right_path = _context_path(left, bound), _context_path(right, bound)
        if node.op == "in":
            if left_path is not None and isinstance(right, _Operation) and right.op == "[]" and right.operands and all(
                    isinstance(item, Literal) for item in right.operands):
                found.append(Comparison(left_path, "in", tuple(i for i in right.operands if isinstance(i, Literal)),
                                        role))
        elif left_path is not None and isinstance(right, Literal):
            found.append(Comparison(left_path, node.op, (right,), role))
        elif right_path is not None and isinstance(left, Literal):
            found.append(Comparison(right_path, _MIRROR[node.op], (left,), role))
    return tuple(found)


def display_path(parts: tuple[Part, ...]) -> str:
    """('matches', 0, 'score') → 'matches[0].score'."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
