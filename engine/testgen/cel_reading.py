"""Reading the simple shapes of CEL that tests can drive: member paths and their comparisons with literals.

The engine evaluates CEL with the `cel` package, which gives no syntax tree. Test generation needs one only to
find which values a guard reads (`lead.score`, `context.tier`, `matches[0].score`) and what it compares them
with (`lead.score >= 70`), so this module parses the common subset of CEL — literals, names, member access,
constant indexes, calls, unary and binary operators, the conditional, list and map literals. An expression
outside that subset raises `UnreadableExpression`; the caller says the guard could not be driven and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Binary", "Call", "Comparison", "Literal", "Node", "PathRef", "UnreadableExpression",
    "comparisons", "parse", "path_uses", "walk",
]

Part = str | int


class UnreadableExpression(ValueError):
    """CEL this reader does not follow (the engine may still evaluate it)."""


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class PathRef:
    """`lead.score` → ('lead', 'score'); `context.x` is normalised to ('x',); `m[0].s` → ('m', 0, 's')."""

    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Call:
    name: str
    target: Node | None
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Other:
    """A node this reader keeps only for its children: the conditional, list and map literals."""

    children: tuple[Node, ...]


Node = Literal | PathRef | Call | Unary | Binary | Other

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<number>\d+\.\d*(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?u?)
    | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<name>[A-Za-z_]\w*)
    | (?P<op>==|!=|<=|>=|&&|\|\||[<>!+\-*/%?:.\[\](){},])
    )""", re.VERBOSE)

_RELATIONS = ("==", "!=", "<", "<=", ">", ">=", "in")
_LEVELS: tuple[tuple[str, ...], ...] = (("||",), ("&&",), _RELATIONS, ("+", "-"), ("*", "/", "%"))


def _tokens(source: str) -> list[tuple[str, str]]:
    found, position = [], 0
    while position < len(source):
        if source[position:].strip() == "":
            break
        match = _TOKEN.match(source, position)
        if match is None or match.end() == position:
            raise UnreadableExpression(f"unexpected text at column {position + 1}")
        kind = match.lastgroup or "op"
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


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
        if expected is not None and token[1] != expected:
            raise UnreadableExpression(f"expected '{expected}', found '{token[1]}'")
        self.at += 1
        return token

    def expression(self) -> Node:
        condition = self.binary(0)
        if self.peek() == "?":
            self.take("?")
            yes = self.expression()
            self.take(":")
            return Other((condition, yes, self.expression()))
        return condition

    def binary(self, level: int) -> Node:
        if level == len(_LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in _LEVELS[level] and self.tokens[self.at][0] != "string":
            op = self.take()[1]
            left = Binary(op, left, self.binary(level + 1))
        return left

    def unary(self) -> Node:
        if self.peek() in ("!", "-"):
            op = self.take()[1]
            operand = self.unary()
            if op == "-" and isinstance(operand, Literal) and isinstance(operand.value, int | float):
                return Literal(-operand.value)
            return Unary(op, operand)
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                name = self.take()[1]
                if self.peek() == "(":
                    node = Call(name, node, self.arguments(")"))
                elif isinstance(node, PathRef):
                    node = PathRef((*node.parts, name))
                else:
                    node = Other((node,))
            else:
                index = self.expression()
                self.take("]")
                if isinstance(node, PathRef) and isinstance(index, Literal) and isinstance(index.value, int | str):
                    node = PathRef((*node.parts, index.value))
                else:
                    node = Other((node, index))
        return node

    def arguments(self, closing: str) -> tuple[Node, ...]:
        self.take()
        found: list[Node] = []
        while self.peek() != closing:
            found.append(self.expression())
            if self.peek() == ":":  # a map literal's key: value
                self.take(":")
                found.append(self.expression())
            if self.peek() == ",":
                self.take(",")
        self.take(closing)
        return tuple(found)

    def primary(self) -> Node:  # noqa: PLR0911
        kind, text = self.take()
        if kind == "number":
            return Literal(float(text) if any(c in text for c in ".eE") else int(text.rstrip("u")))
        if kind == "string":
            return Literal(bytes(text[1:-1], "utf-8").decode("unicode_escape"))
        if kind == "name":
            if text in ("true", "false"):
                return Literal(text == "true")
            if text == "null":
                return Literal(None)
            if self.peek() == "(":
                return Call(text, None, self.arguments(")"))
            return PathRef((text,))
        if text == "(":
            inner = self.expression()
            self.take(")")
            return inner
        if text == "[":
            self.at -= 1
            return Other(self.arguments("]"))
        if text == "{":
            self.at -= 1
            return Other(self.arguments("}"))
        raise UnreadableExpression(f"unexpected '{text}'")


def _normalise(node: Node) -> Node:
    """`context.x` reads the context key `x`, the same value as the bare name `x`."""
    if isinstance(node, PathRef) and node.parts[0] == "context" and len(node.parts) > 1:
        return PathRef(node.parts[1:])
    if isinstance(node, Call):
        return Call(node.name, _normalise(node.target) if node.target else None, tuple(map(_normalise, node.args)))
    if isinstance(node, Unary):
        return Unary(node.op, _normalise(node.operand))
    if isinstance(node, Binary):
        return Binary(node.op, _normalise(node.left), _normalise(node.right))
    if isinstance(node, Other):
        return Other(tuple(map(_normalise, node.children)))
    return node


def parse(source: str) -> Node:
    parser = _Parser(source)
    node = parser.expression()
    if parser.at != len(parser.tokens):
        raise UnreadableExpression(f"unexpected '{parser.tokens[parser.at][1]}'")
    return _normalise(node)


@dataclass(frozen=True)
class Comparison:
    """`path op other`, the path on the left (`70 <= x` is read as `x >= 70`)."""

    path: tuple[Part, ...]
    op: str
    other: Literal | PathRef | Other


_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Call):
        return ((node.target,) if node.target else ()) + node.args
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Other):
        return node.children
    return ()


def walk(node: Node) -> list[Node]:
    """`node` and every node below it, depth first."""
    found = [node]
    for child in _children(node):
        found += walk(child)
    return found


def comparisons(node: Node) -> list[Comparison]:
    """Every relation between a path and a literal or another path."""
    found = []
    for item in walk(node):
        if not isinstance(item, Binary) or item.op not in _RELATIONS:
            continue
        left, right = item.left, item.right
        if isinstance(left, Call) and left.name == "size" and len(left.args) + (left.target is not None) == 1:
            target = left.target or left.args[0]
            if isinstance(target, PathRef) and isinstance(right, Literal):
                found.append(Comparison((*target.parts, "#size"), item.op, right))
            continue
        if isinstance(left, PathRef) and isinstance(right, Literal | PathRef | Other):
            found.append(Comparison(left.parts, item.op, right))
        elif isinstance(right, PathRef) and isinstance(left, Literal) and item.op in _MIRROR:
            found.append(Comparison(right.parts, _MIRROR[item.op], left))
    return found


def path_uses(node: Node, *, condition: bool = False) -> dict[tuple[Part, ...], str]:  # noqa: PLR0912
    """Each path read, with how it is used: 'number', 'string', 'bool', 'list', 'present' or 'value'.
    With `condition`, the expression is a guard: a bare path is then used as a boolean."""
    uses: dict[tuple[Part, ...], str] = {}
    for item in walk(node):
        if isinstance(item, PathRef):
            uses.setdefault(item.parts, "value")
            for cut in range(1, len(item.parts)):
                if isinstance(item.parts[cut], int):
                    uses[item.parts[:cut]] = "list"
    for comparison in comparisons(node):
        other = comparison.other
        if comparison.path[-1] == "#size":
            uses[comparison.path[:-1]] = "list"
        elif isinstance(other, Literal) and other.value is not None:
            uses[comparison.path] = {bool: "bool", str: "string"}.get(type(other.value), "number")
        elif isinstance(other, PathRef) and comparison.op in ("<", "<=", ">", ">="):
            uses[comparison.path] = uses[other.parts] = "number"
    for item in walk(node):
        if isinstance(item, Call) and item.name == "has" and item.args and isinstance(item.args[0], PathRef):  # noqa: SIM102
            if uses.get(item.args[0].parts, "value") == "value":
                uses[item.args[0].parts] = "present"
        if isinstance(item, Binary) and item.op in ("&&", "||"):
            for side in (item.left, item.right):
                if isinstance(side, PathRef):
                    uses[side.parts] = "bool"
        if isinstance(item, Unary) and item.op == "!" and isinstance(item.operand, PathRef):
            uses[item.operand.parts] = "bool"
    if condition and isinstance(node, PathRef):
        uses[node.parts] = "bool"
    return {path: use for path, use in uses.items() if "#size" not in path}
