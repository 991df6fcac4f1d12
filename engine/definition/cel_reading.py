"""Reading CEL expressions for the values they read and what they compare them with: for the validation checks
that hold expressions against the context schema (`type-mismatch`, `unknown-field`) and for test generation,
which chooses the values a guard decides on (`lead.score >= 70` → 69 and 70).

The CEL engine gives no syntax tree (only the top-level names an expression reads), so this module parses the
usual shapes of CEL into a small one: literals, names and member paths (`lead.score`, `context.lead.score`,
`matches[0].score`), calls and macros, unary, binary and conditional operators, list and map literals. An
expression outside those shapes (message literals, the optional syntax `a.?b`) raises `UnreadableExpression`:
the checks then say nothing about it (they only report what they read for certain), and test generation says
it cannot drive the guard.

A path is read as the context sees it: `context.lead.score` and `lead.score` are both ('lead', 'score'), and
`m[0]['s']` is ('m', 0, 's'). The variables a macro binds (`i` in `items.all(i, i.x > 1)`, `x` in `cel.bind(x,
...)`) are not paths. What each reader wants:

- `context_reads` and `comparisons` (the checks): paths into the context only (not `event`, `now`, ...), and
  comparisons with literals only;
- `path_uses` and `relations` (test generation): any path, `event.kind` included, how each is used (a number,
  a text, a condition, a list, ...), and every relation between a path and a literal, a list literal, another
  path, or of `size(path)` with a literal.

The nodes are named tuples: a `statewright validate` starts in half a second, and a frozen dataclass costs about
1 ms to define.
"""

from __future__ import annotations

import re
import typing
from functools import lru_cache
from typing import Any, NamedTuple

from engine.definition.scope import RESERVED_NAMES

__all__ = [
    "Call",
    "Comparison",
    "Literal",
    "Node",
    "Operation",
    "Part",
    "PathRead",
    "PathRef",
    "Relation",
    "UnreadableExpression",
    "comparisons",
    "context_reads",
    "display_path",
    "parse",
    "path_uses",
    "relations",
    "walk",
]

Part = str | int
Role = typing.Literal["whole", "term", "part"]


class UnreadableExpression(ValueError):
    """CEL this reader does not follow (the engine may still evaluate it)."""


class Literal(NamedTuple):
    """A constant as written: `kind` is one of int, uint, double, string, bytes, bool, null."""

    kind: str
    text: str

    @property
    def value(self) -> Any:
        """The constant as a Python value: an int (for a uint too), float, str, bytes, bool or None."""
        if self.kind in ("string", "bytes"):
            return _unquoted(self.kind, self.text)
        if self.kind in ("bool", "null"):
            return _CONSTANT_VALUES[self.text]
        sign, text = 1, self.text
        while text.startswith("-"):  # `-5`, and `- -5` as written
            sign, text = -sign, text[1:]
        if self.kind == "double":
            return sign * float(text)
        text = text.rstrip("uU")
        return sign * int(text, 16 if text[:2].lower() == "0x" else 10)


class PathRef(NamedTuple):
    """A name and the members and constant indexes after it, as the context sees them: `m[0].s` → ('m', 0, 's');
    `context.x` → ('x',) with `via_context` (it reads the context's key `x` even where a name `x` means something
    else: a macro's variable, `event`, ...)."""

    parts: tuple[Part, ...]
    via_context: bool = False


class Call(NamedTuple):
    """`name(args)`, or `target.name(args)` (a method or a macro: `items.all(i, i.x > 1)`)."""

    name: str
    target: Node | None
    args: tuple[Node, ...]


class Operation(NamedTuple):
    """An operator (`&&`, `>=`, `in`, `!`, `?:`, ...), a list or map literal (`[]`, `{}`: a map's keys and values
    alternate), or anything else read only for what is inside it (`.` on a value that is no path, `index` for an
    index that is not a constant)."""

    op: str
    operands: tuple[Node, ...]


Node = Literal | PathRef | Call | Operation

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
_ESCAPE = re.compile(r"""\\(?:(?P<char>[abfnrtv\\'"`?])|[xX](?P<hex>[0-9a-fA-F]{2})|(?P<octal>[0-3][0-7]{2})
                         |u(?P<u4>[0-9a-fA-F]{4})|U(?P<u8>[0-9a-fA-F]{8})|)""", re.VERBOSE)
_CHARACTERS = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_RELATIONS = frozenset({"==", "!=", "<", "<=", ">", ">=", "in"})
_ORDERING = frozenset({"<", "<=", ">", ">="})
# how tightly each binary operator binds: `||`, then `&&`, the relations, `+ -`, and `* / %` the tightest
_PRECEDENCE = {"||": 0, "&&": 1, **dict.fromkeys(_RELATIONS, 2), "+": 3, "-": 3, "*": 4, "/": 4, "%": 4}
_CONSTANTS = {"true": "bool", "false": "bool", "null": "null"}
_CONSTANT_VALUES = {"true": True, "false": False, "null": None}
# the macros, with how many of their first arguments name the variables they bind (None: all but the last one),
# as in `xs.all(x, p)`, `m.all(k, v, p)`, `xs.map(x, p, t)`, `xs.transformList(i, v, p, t)` and `cel.bind(x, a, b)`
_MACROS: dict[str, int | None] = {"all": None, "exists": None, "exists_one": None, "existsOne": None, "map": 1,
                                  "filter": 1, "transformList": 2, "transformMap": 2, "bind": 1}


def _unquoted(kind: str, text: str) -> str | bytes:
    """The value of a string or bytes literal as written (its prefix, quotes and escapes read as CEL reads them).
    Raises `UnreadableExpression` for an escape CEL does not have (the engine refuses the expression)."""
    prefix = text[:len(text) - len(text.lstrip("rRbB"))].lower()
    quoted = text[len(prefix):]
    quote = 3 if quoted[:3] in ("'''", '"""') else 1
    body = quoted[quote:-quote]
    if "r" in prefix:
        return body.encode(errors="surrogatepass") if kind == "bytes" else body
    found = bytearray()  # as UTF-8, `surrogatepass`: the text may come from JSON that holds a lone surrogate
    position = 0
    for match in _ESCAPE.finditer(body):
        found += body[position:match.start()].encode(errors="surrogatepass")
        position = match.end()
        char, code = match.group("char"), match.group("hex") or match.group("octal")
        if char is not None:
            found += _CHARACTERS.get(char, char).encode()
        elif code is not None:
            number = int(code, 16 if match.group("hex") else 8)
            found += bytes([number]) if kind == "bytes" else chr(number).encode()
        elif (unicode := match.group("u4") or match.group("u8")) and kind == "string" \
                and (number := int(unicode, 16)) <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF:
            found += chr(number).encode()
        else:
            raise UnreadableExpression(f"the literal {text} holds an escape CEL does not have")
    found += body[position:].encode(errors="surrogatepass")
    return bytes(found) if kind == "bytes" else found.decode(errors="surrogatepass")


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
        if kind == "string":
            if "b" in match.group("prefix").lower():
                kind = "bytes"
            _unquoted(kind, text)  # its escapes are CEL's, so that its `value` can be read
        elif kind == "op" and text in (".?", "[?"):
            raise UnreadableExpression("optional member access is not read here")
        found.append((kind, text))
        position = match.end()


def _member(node: Node, part: Part) -> PathRef | None:
    """The path `node.part` (or `node[part]`), when `node` is a path: `context.x` reads the context's key `x`."""
    if not isinstance(node, PathRef):
        return None
    if node.parts == ("context",) and not node.via_context and isinstance(part, str):
        return PathRef((part,), via_context=True)
    return PathRef((*node.parts, part), node.via_context)


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

    def expression(self) -> Node:
        condition = self.binary(0)
        if self.peek() != "?":
            return condition
        self.take("?")
        yes = self.expression()
        self.take(":")
        return Operation("?:", (condition, yes, self.expression()))

    def binary(self, weakest: int) -> Node:
        """Operands joined by operators binding at least as tightly as `weakest`, left to right."""
        left = self.unary()
        while self.at < len(self.tokens):
            kind, op = self.tokens[self.at]
            level = _PRECEDENCE.get(op, -1) if kind in ("op", "name") else -1
            if level < weakest:
                return left
            self.at += 1
            left = Operation(op, (left, self.binary(level + 1)))
        return left

    def unary(self) -> Node:
        if self.peek() in ("!", "-") and self.tokens[self.at][0] == "op":
            op = self.take()[1]
            operand = self.unary()
            if op == "-" and isinstance(operand, Literal) and operand.kind in ("int", "double"):
                return Literal(operand.kind, "-" + operand.text)
            return Operation(op, (operand,))
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while self.peek() in (".", "[") and self.tokens[self.at][0] == "op":
            if self.take()[1] == ".":
                kind, name = self.take()
                if kind != "name":
                    raise UnreadableExpression(f"a name was expected after '.', found '{name}'")
                if self.peek() == "(":
                    node = Call(name, node, self.arguments(")"))
                else:
                    node = _member(node, name) or Operation(".", (node,))
                continue
            index = self.expression()
            self.take("]")
            constant = _constant_index(index)
            member = None if constant is None else _member(node, constant)
            node = Operation("index", (node, index)) if member is None else member
        return node

    def arguments(self, closing: str) -> tuple[Node, ...]:
        self.take()
        found: list[Node] = []
        while self.peek() != closing:
            found.append(self.expression())
            if self.peek() == ":":  # a map literal's key: value
                self.take(":")
                found.append(self.expression())
            if self.peek() != closing:
                self.take(",")
        self.take(closing)
        return tuple(found)

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "name":
            if text in _CONSTANTS:
                return Literal(_CONSTANTS[text], text)
            if self.peek() == "(":
                return Call(text, None, self.arguments(")"))
            if self.peek() == "{":
                raise UnreadableExpression("message literals are not read here")
            return PathRef((text,))
        if kind != "op":
            return Literal(kind, text)
        if text == "(":
            inner = self.expression()
            self.take(")")
            return inner
        if text in ("[", "{"):
            self.at -= 1
            return Operation(text + ("]" if text == "[" else "}"), self.arguments("]" if text == "[" else "}"))
        raise UnreadableExpression(f"unexpected '{text}'")


def _constant_index(index: Node) -> Part | None:
    """The key of `[0]` or `['name']`: a literal whole number that is no less than 0, or a literal string; None
    for any other index."""
    if isinstance(index, Literal) and index.kind in ("int", "uint"):
        number: int = index.value
        return number if number >= 0 else None
    if isinstance(index, Literal) and index.kind == "string":
        return str(index.value)
    return None


@lru_cache(maxsize=16_384)  # as many as the compiled programs kept (`engine.definition.expressions`)
def parse(source: str) -> Node:
    """The syntax tree of an expression. Raises `UnreadableExpression` for CEL outside the shapes read here."""
    parser = _Parser(source)
    try:
        node = parser.expression()
    except RecursionError as exc:  # CEL itself refuses to nest much deeper than Python's stack allows here
        raise UnreadableExpression("the expression nests too deeply to be read here") from exc
    if parser.at != len(parser.tokens):
        raise UnreadableExpression(f"unexpected '{parser.tokens[parser.at][1]}'")
    return node


def _is_cel(node: Node | None) -> bool:
    """Whether `node` is the `cel` of `cel.bind`: a namespace, no value."""
    return isinstance(node, PathRef) and node.parts == ("cel",) and not node.via_context


def _bare_name(node: Node) -> str | None:
    """`x` for a bare name (a macro's variable), else None."""
    if isinstance(node, PathRef) and len(node.parts) == 1 and not node.via_context and isinstance(node.parts[0], str):
        return node.parts[0]
    return None


def _scoped_walk(node: Node) -> list[tuple[Node, frozenset[str], Role]]:
    """Every node in the order written, each before the nodes inside it, with the names macros bind there and its
    role (see `Comparison`)."""
    found: list[tuple[Node, frozenset[str], Role]] = []
    stack: list[tuple[Node, frozenset[str], Role]] = [(node, frozenset(), "whole")]
    while stack:
        item = stack.pop()
        found.append(item)
        node, bound, role = item
        if isinstance(node, Operation):
            inner_role: Role = "term" if node.op == "&&" and role != "part" else "part"
            stack.extend([(operand, bound, inner_role) for operand in reversed(node.operands)])
        elif isinstance(node, Call):
            scopes = [bound] * len(node.args)
            if node.name in _MACROS and node.target is not None:
                count = _MACROS[node.name] or len(node.args) - 1
                inner = bound | {name for name in map(_bare_name, node.args[:count]) if name is not None}
                # the variables are seen in the arguments after them; `cel.bind(x, a, b)` reads `a` outside `x`
                scopes = [bound if node.name == "bind" and at == 1 else inner for at in range(len(node.args))]
            stack.extend([(arg, scope, "part") for arg, scope in reversed(list(zip(node.args, scopes, strict=True)))])
            if node.target is not None and not (node.name == "bind" and _is_cel(node.target)):
                stack.append((node.target, bound, "part"))
    return found


def walk(node: Node) -> list[Node]:
    """`node` and every node inside it, in the order written, each before the nodes inside it (not the `cel` of
    `cel.bind`, which is no value)."""
    return [item for item, _, _ in _scoped_walk(node)]


def _path(node: Node, bound: frozenset[str]) -> tuple[Part, ...] | None:
    """The path a node reads, or None (a macro's variable, or no path at all)."""
    if not isinstance(node, PathRef):
        return None
    if node.via_context:
        return None if "context" in bound else node.parts
    return None if node.parts[0] in bound else node.parts


def _context_path(node: Node, bound: frozenset[str]) -> tuple[Part, ...] | None:
    """The context path a node reads, or None (a macro's variable, `event`, `now`, the whole `context`, ... or no
    path at all)."""
    if not isinstance(node, PathRef) or (parts := _path(node, bound)) is None:
        return None
    return None if not node.via_context and parts[0] in RESERVED_NAMES else parts


# -- for the checks: context paths, and their comparisons with literals ------------------------------------------


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


_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


@lru_cache(maxsize=16_384)
def context_reads(source: str) -> tuple[PathRead, ...]:
    """Every context path the expression reads, outside the variables its macros bind; a path a `has()` tests
    (or `'key' in path`) marked as tested. Raises `UnreadableExpression` for CEL outside the shapes read here."""
    found: list[PathRead] = []
    tested: set[int] = set()
    for node, bound, _ in _scoped_walk(parse(source)):
        if isinstance(node, Call) and node.name == "has" and node.target is None and len(node.args) == 1:
            tested.add(id(node.args[0]))
        elif isinstance(node, Operation) and node.op == "in":  # `'key' in m` tests for m.key as has(m.key) does
            key, held = node.operands
            in_map = _context_path(held, bound)
            if in_map is not None and (name := _constant_index(key)) is not None:
                found.append(PathRead((*in_map, name), in_has=True))
        parts = _context_path(node, bound)
        if parts is not None:
            found.append(PathRead(parts, in_has=id(node) in tested))
    return tuple(found)


def _relation_nodes(source: str) -> list[tuple[Node, Node, str, frozenset[str], Role]]:
    """(left, right, op, bound names, role) for every relation (`==`, `<`, `in`, ...) in the expression."""
    return [(node.operands[0], node.operands[1], node.op, bound, role) for node, bound, role in
            _scoped_walk(parse(source)) if isinstance(node, Operation) and node.op in _RELATIONS
            and len(node.operands) == 2]


@lru_cache(maxsize=16_384)
def comparisons(source: str) -> tuple[Comparison, ...]:
    """Every comparison of a context path with literals: `path op literal`, `literal op path`, and
    `path in [literal, ...]`. Raises `UnreadableExpression` as `context_reads` does."""
    found: list[Comparison] = []
    for left, right, op, bound, role in _relation_nodes(source):
        left_path, right_path = _context_path(left, bound), _context_path(right, bound)
        if op == "in":
            if left_path is not None and isinstance(right, Operation) and right.op == "[]" and right.operands and all(
                    isinstance(item, Literal) for item in right.operands):
                found.append(Comparison(left_path, "in", tuple(i for i in right.operands if isinstance(i, Literal)),
                                        role))
        elif left_path is not None and isinstance(right, Literal):
            found.append(Comparison(left_path, op, (right,), role))
        elif right_path is not None and isinstance(left, Literal):
            found.append(Comparison(right_path, _MIRROR[op], (left,), role))
    return tuple(found)


_PLAIN_KEY = re.compile(r"[\w-]+")


def display_path(parts: tuple[Part, ...]) -> str:
    """('matches', 0, 'score') → 'matches[0].score'; a key that is no plain name in brackets: `m["a b"]`."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            text += f".{part}" if text else part
        else:
            quoted = '"' + part.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
            text += f"[{quoted}]" if text else f"context[{quoted}]"
    return text


# -- for test generation: every path, how it is used, and what it is compared with -------------------------------


class Relation(NamedTuple):
    """`path op other`, the path on the left (`70 <= x` is read as `x >= 70`): `other` is a literal, another path,
    or, for `in`, the literal elements of a list literal (the literal keys of a map literal). `sized` when it is
    `size(path)` that is compared (with a literal)."""

    path: tuple[Part, ...]
    op: str
    other: Literal | PathRef | tuple[Literal, ...]
    sized: bool = False


def _other(op: str, node: Node) -> Literal | PathRef | tuple[Literal, ...] | None:
    if isinstance(node, Literal | PathRef):
        return node
    if op == "in" and isinstance(node, Operation) and node.op in ("[]", "{}"):
        members = node.operands if node.op == "[]" else node.operands[::2]
        return tuple(member for member in members if isinstance(member, Literal))
    return None


@lru_cache(maxsize=16_384)
def relations(source: str) -> tuple[Relation, ...]:
    """Every relation between a path (`event.kind` too; not a macro's variable) and a literal, a list literal or
    another path, and of `size(path)` with a literal. Raises `UnreadableExpression` as `context_reads` does."""
    found: list[Relation] = []
    for left, right, op, bound, _ in _relation_nodes(source):
        if isinstance(left, Call) and left.name == "size" and len(left.args) + (left.target is not None) == 1:
            measured = _path(left.target if left.target is not None else left.args[0], bound)
            if measured is not None and isinstance(right, Literal):
                found.append(Relation(measured, op, right, sized=True))
            continue
        left_path, right_path = _path(left, bound), _path(right, bound)
        other = _other(op, right)
        if left_path is not None and other is not None:
            found.append(Relation(left_path, op, other))
        elif right_path is not None and isinstance(left, Literal | PathRef) and op in _MIRROR:
            found.append(Relation(right_path, _MIRROR[op], left))
    return tuple(found)


_LITERAL_USES = {"bool": "bool", "string": "string", "int": "number", "uint": "number", "double": "number"}


def path_uses(source: str, *, condition: bool = False) -> dict[tuple[Part, ...], str]:  # noqa: PLR0912
    """Each path read (not a macro's variable), with how it is used: 'number', 'string', 'bool', 'list',
    'present' or 'value'. With `condition`, the expression is a guard: a bare path is then used as a boolean.
    Raises `UnreadableExpression` as `context_reads` does."""
    root = parse(source)
    nodes = _scoped_walk(root)
    uses: dict[tuple[Part, ...], str] = {}
    for node, bound, _ in nodes:
        parts = _path(node, bound)
        if parts is not None:
            uses.setdefault(parts, "value")
            for cut in range(1, len(parts)):
                if isinstance(parts[cut], int):
                    uses[parts[:cut]] = "list"
    read = set(uses)
    for relation in relations(source):
        other = relation.other
        if relation.sized:
            uses[relation.path] = "list"
        elif isinstance(other, Literal) and other.kind in _LITERAL_USES:
            uses[relation.path] = _LITERAL_USES[other.kind]
        elif isinstance(other, PathRef) and relation.op in _ORDERING:
            uses[relation.path] = uses[other.parts] = "number"
    for node, bound, _ in nodes:
        if isinstance(node, Call) and node.name == "has" and node.args and (
                parts := _path(node.args[0], bound)) is not None and uses.get(parts, "value") == "value":
            uses[parts] = "present"
        if isinstance(node, Operation) and (node.op in ("&&", "||") or (node.op == "!" and len(node.operands) == 1)):
            for side in node.operands:
                if (parts := _path(side, bound)) is not None:
                    uses[parts] = "bool"
    if condition and (parts := _path(root, frozenset())) is not None:
        uses[parts] = "bool"
    return {path: use for path, use in uses.items() if path in read}
