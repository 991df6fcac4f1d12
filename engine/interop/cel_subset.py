"""The part of CEL that other formats can also say: comparisons of paths and literals, `&&`, `||`, `!`,
`has()`, `type()`, `timestamp()` and `matches()`. Parsed into a small tree so exporters can translate a guard,
and rendered back to CEL text so importers write guards the same way every time.

A guard outside the subset raises `OutsideSubset`: the exporter then says it cannot express it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from engine.definition.expressions import CEL_WORDS

__all__ = [
    "And",
    "Call",
    "Compare",
    "Has",
    "Literal",
    "Node",
    "Not",
    "Or",
    "OutsideSubset",
    "Path",
    "TypeName",
    "parse",
    "render",
]

COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
TYPE_NAMES = ("string", "int", "uint", "double", "bool", "null_type", "list", "map", "bytes")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class OutsideSubset(ValueError):
    """The expression uses something beyond the shared subset."""


@dataclass(frozen=True)
class Path:
    """`lead.score`, `matches[0].score`, `context['odd key']`: the first part is a top-level context key."""

    parts: tuple[str | int, ...]


@dataclass(frozen=True)
class Literal:
    value: str | int | float | bool | None


@dataclass(frozen=True)
class TypeName:
    name: str


@dataclass(frozen=True)
class Call:
    """`type(x)`, `timestamp(x)`, `x.matches('re')`: `target` is the receiver of a method call."""

    function: str
    args: tuple[Node, ...]
    target: Node | None = None


@dataclass(frozen=True)
class Has:
    path: Path


@dataclass(frozen=True)
class Compare:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


Node = Path | Literal | TypeName | Call | Has | Compare | Not | And | Or

_TOKEN = re.compile(
    r"""\s*(?:(?P<num>\d+\.\d*(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+)|(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
    r"""|(?P<op>&&|\|\||==|!=|<=|>=|[<>!().\[\],-])|(?P<id>[A-Za-z_][A-Za-z0-9_]*))"""
)


def _tokens(source: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    at = 0
    while at < len(source):
        if source[at:].strip() == "":
            break
        match = _TOKEN.match(source, at)
        if match is None or match.end() == at:
            raise OutsideSubset(f"'{source[at:at + 10]}' is beyond the shared subset of CEL")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        at = match.end()
    return found


def _unquote(text: str) -> str:
    body = text[1:-1]
    if "\\" not in body:
        return body
    out, i = [], 0
    escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"'}
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body) and body[i + 1] in escapes:
            out.append(escapes[body[i + 1]])
            i += 2
        elif body[i] == "\\":
            raise OutsideSubset(f"the escape in {text} is beyond the shared subset of CEL")
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokens(source)
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, text: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (text is not None and token[1] != text):
            raise OutsideSubset(f"expected {text or 'more'} in the expression")
        self.at += 1
        return token

    def accept(self, text: str) -> bool:
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] == text:
            self.at += 1
            return True
        return False

    def expression(self) -> Node:
        items = [self.conjunction()]
        while self.accept("||"):
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conjunction(self) -> Node:
        items = [self.unary()]
        while self.accept("&&"):
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        if self.accept("!"):
            return Not(self.unary())
        left = self.operand()
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in COMPARISONS:
            self.at += 1
            return Compare(token[1], left, self.operand())
        return left

    def operand(self) -> Node:  # noqa: PLR0911 - one return per kind of operand
        kind, text = self.take()
        if kind == "num":
            return Literal(float(text) if any(c in text for c in ".eE") else int(text))
        if kind == "str":
            return Literal(_unquote(text))
        if kind == "op" and text == "-":
            number = self.operand()
            if isinstance(number, Literal) and isinstance(number.value, int | float) and number.value is not True:
                return Literal(-number.value)
            raise OutsideSubset("'-' applies only to a number literal in the shared subset")
        if kind == "op" and text == "(":
            inner = self.expression()
            self.take(")")
            return self.postfix(inner)
        if kind != "id":
            raise OutsideSubset(f"'{text}' is beyond the shared subset of CEL")
        if text in ("true", "false"):
            return Literal(text == "true")
        if text == "null":
            return Literal(None)
        if text in TYPE_NAMES:
            return TypeName(text)
        if text in ("has", "type", "timestamp") and self.accept("("):
            argument = self.expression()
            self.take(")")
            if text == "has":
                if not isinstance(argument, Path):
                    raise OutsideSubset("has() takes a field path in the shared subset")
                return Has(argument)
            return self.postfix(Call(text, (argument,)))
        return self.postfix(Path((text,)))

    def postfix(self, node: Node) -> Node:
        while True:
            if self.accept("."):
                _, name = self.take()
                if not _IDENT.match(name):
                    raise OutsideSubset(f"'.{name}' is beyond the shared subset of CEL")
                if self.accept("("):
                    args = [] if self.accept(")") else self._arguments()
                    if name != "matches":
                        raise OutsideSubset(f"the method {name}() is beyond the shared subset of CEL")
                    node = Call(name, tuple(args), node)
                elif isinstance(node, Path):
                    node = Path((*node.parts, name))
                else:
                    raise OutsideSubset("a field of a computed value is beyond the shared subset of CEL")
            elif self.accept("["):
                index = self.operand()
                self.take("]")
                if not isinstance(node, Path) or not isinstance(index, Literal) or isinstance(index.value, bool) \
                        or not isinstance(index.value, int | str):
                    raise OutsideSubset("only a literal index of a path is in the shared subset of CEL")
                node = Path((*node.parts, index.value))
            else:
                return _normal(node) if isinstance(node, Path) else node

    def _arguments(self) -> list[Node]:
        args = [self.expression()]
        while self.accept(","):
            args.append(self.expression())
        self.take(")")
        return args


RESERVED = ("context", "event", "instance", "now", "budget", "memory")


def _normal(path: Path) -> Path:
    """`context.x` and `x` read the same value."""
    if len(path.parts) > 1 and path.parts[0] == "context" and path.parts[1] not in RESERVED:
        return Path(path.parts[1:])
    return path


def parse(source: str) -> Node:
    """The tree of a CEL expression in the shared subset, or `OutsideSubset`."""
    parser = _Parser(source)
    node = parser.expression()
    if parser.peek() is not None:
        raise OutsideSubset(f"'{parser.peek()[1]}' is beyond the shared subset of CEL")  # type: ignore[index]
    return node


def _literal(value: str | int | float | bool | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    return json.dumps(value)


def render_path(path: Path) -> str:
    if not path.parts:
        return "context"
    first, rest = path.parts[0], path.parts[1:]
    if not isinstance(first, str) or not _IDENT.match(first) or first in TYPE_NAMES or first in CEL_WORDS:
        text = f"context[{_literal(first)}]"
    else:
        text = first
    for part in rest:
        text += (f".{part}" if isinstance(part, str) and _IDENT.match(part) and part not in CEL_WORDS
                 else f"[{_literal(part)}]")
    return text


def _context_path(path: Path) -> str:
    """`has()` needs a field selection: `has(context.x)` tests a top-level key."""
    text = render_path(path)
    return text if text.startswith("context[") or len(path.parts) > 1 else f"context.{text}"


def render(node: Node, parent: str = "") -> str:  # noqa: PLR0911 - one return per kind of node
    """CEL text for a tree; parentheses only where the grouping needs them."""
    if isinstance(node, Path):
        return render_path(node)
    if isinstance(node, Literal):
        return _literal(node.value)
    if isinstance(node, TypeName):
        return node.name
    if isinstance(node, Has):
        return f"has({_context_path(node.path)})"
    if isinstance(node, Call):
        args = ", ".join(render(a) for a in node.args)
        if node.target is not None:
            return f"{render(node.target, 'call')}.{node.function}({args})"
        return f"{node.function}({args})"
    if isinstance(node, Compare):
        text = f"{render(node.left, 'cmp')} {node.op} {render(node.right, 'cmp')}"
        return f"({text})" if parent in ("cmp", "not", "call") else text
    if isinstance(node, Not):
        return f"!{render(node.item, 'not')}"
    if isinstance(node, And):
        text = " && ".join(render(i, "and") for i in node.items)
        return f"({text})" if parent in ("cmp", "not", "call") else text
    text = " || ".join(render(i, "or") for i in node.items)
    return f"({text})" if parent in ("and", "cmp", "not", "call") else text
