"""Simple CEL conditions in plain words, for reviewers who do not read CEL.

Only a small, common subset is put into words: comparisons of a field with a literal, `has(...)`, `in [...]`,
`size(...)`, negation, and `&&` / `||` (with parentheses). Anything else returns None and the review shows
the expression as written only: a wrong paraphrase is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["in_words"]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
      | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op>&&|\|\||==|!=|>=|<=|>|<|!|\(|\)|\[|\]|,)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    )""",
    re.VERBOSE,
)
_COMPARE = {
    "==": "is",
    "!=": "is not",
    ">": "is more than",
    ">=": "is at least",
    "<": "is less than",
    "<=": "is at most",
}
_LITERALS = {"true": "true", "false": "false", "null": "empty"}
_LONGEST = 400


class _NotSimple(Exception):
    """The expression uses something this module does not put into words."""


@dataclass
class _Reader:
    tokens: list[tuple[str, str]]
    at: int = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, text: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (text is not None and token[1] != text):
            raise _NotSimple
        self.at += 1
        return token


def _tokens(expression: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position = 0
    text = expression.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise _NotSimple
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


def _value(reader: _Reader) -> str:
    """A literal, a field, `size(field)` or `has(field)` (the last reads as a whole condition)."""
    kind, text = reader.take()
    if kind in ("number", "string"):
        return text
    if kind == "op" and text == "[":
        items = [_value(reader)]
        while reader.peek() == ("op", ","):
            reader.take(",")
            items.append(_value(reader))
        reader.take("]")
        return "one of " + ", ".join(items)
    if kind != "name":
        raise _NotSimple
    if text in _LITERALS:
        return _LITERALS[text]
    if text in ("size", "has") and reader.peek() == ("op", "("):
        reader.take("(")
        _, field = reader.take()
        if not re.fullmatch(r"[A-Za-z_][\w.]*", field):
            raise _NotSimple
        reader.take(")")
        return f"{field} is set" if text == "has" else f"the number of {field}"
    return text


def _comparison(reader: _Reader) -> str:  # noqa: PLR0911 - one return per form of comparison
    token = reader.peek()
    if token == ("op", "!"):
        reader.take("!")
        inner = _comparison(reader)
        if inner.endswith(" is true") and " " not in inner.removesuffix(" is true"):
            return inner.removesuffix(" is true") + " is false"
        return f"not ({inner})"
    if token == ("op", "("):
        reader.take("(")
        inner = _or(reader)
        reader.take(")")
        return f"({inner})"
    left = _value(reader)
    following = reader.peek()
    if following is not None and following[1] in _COMPARE:
        reader.take()
        right = _value(reader)
        if right in ("empty", "''", '""') and following[1] in ("==", "!="):
            return f"{left} is {'not ' if following[1] == '!=' else ''}empty"
        return f"{left} {_COMPARE[following[1]]} {right}"
    if following == ("name", "in"):
        reader.take()
        right = _value(reader)
        return f"{left} is {right}" if right.startswith("one of") else f"{left} is in {right}"
    if left.endswith(" is set"):
        return left
    return f"{left} is true"


def _and(reader: _Reader) -> str:
    parts = [_comparison(reader)]
    while reader.peek() == ("op", "&&"):
        reader.take("&&")
        parts.append(_comparison(reader))
    return " and ".join(parts)


def _or(reader: _Reader) -> str:
    parts = [_and(reader)]
    while reader.peek() == ("op", "||"):
        reader.take("||")
        parts.append(_and(reader))
    if len(parts) > 1:
        parts = [f"({part})" if " and " in part and not part.startswith("(") else part for part in parts]
    return " or ".join(parts)


def in_words(expression: str) -> str | None:
    """`policy.decision == 'deny'` → "policy.decision is 'deny'"; None when the expression is not simple."""
    if len(expression) > _LONGEST:
        return None
    try:
        reader = _Reader(_tokens(expression))
        words = _or(reader)
        if reader.peek() is not None:
            return None
    except _NotSimple:
        return None
    return words
