"""Pydantic's messages in an analyst's words, for the findings a new flow shows first.

Pydantic speaks of dictionaries, items and literal values ("Dictionary should have at least 1 item after
validation"); a person drawing a workflow reads "Add at least one state". Each error type known here is
turned into a sentence that names the field by the format's own word; anything else keeps pydantic's text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from engine.definition.base import IDENTIFIER_PATTERN
from engine.definition.error_kinds import ERROR_KIND_PATTERN
from engine.definition.paths import CONTEXT_PATH_PATTERN
from engine.definition.scalars import MAX_STORED_WHOLE

__all__ = ["plain_message"]

# What one item of a collection field is called, by the field's name.
_ITEM_NAMES = {
    "states": "state",
    "transitions": "transition",
    "branches": "branch",
    "roles": "role",
    "users": "user",
    "approvers": "approver",
    "source": "source state",
}
_NUMBER_WORDS = {1: "one", 2: "two", 3: "three"}


# The names pydantic gives the members of a union in an error's location ('constrained-str' is the first form
# of a task's `action`), which are no field of the format
_UNION_MEMBER = re.compile(r"^(constrained-str|str|int|float|bool|list\[.*\]|dict\[.*\]|literal\[.*\])$")


def _field(loc: Sequence[Any]) -> str:
    names = [str(part) for part in loc  # 'retry:rules' is a tag
             if isinstance(part, str) and ":" not in part and not _UNION_MEMBER.match(part)]
    return names[-1] if names else "this value"


def _subject(loc: Sequence[Any], name: str) -> str:
    """What a sentence is about: the field (`'title'`), one item of a list (`Item 34 of 'transitions'`, not the
    list's own name, which read as if the whole list were wrong), or the document itself."""
    kept = [part for part in loc if not (isinstance(part, str) and ":" in part)]
    if not kept:
        return "The definition"
    if isinstance(kept[-1], int):
        return f"Item {kept[-1] + 1} of '{name}'"  # from 1, as people count (the pointer counts from 0)
    return f"'{name}'"


def _count(n: Any, noun: str) -> str:
    number = _NUMBER_WORDS.get(n, str(n)) if isinstance(n, int) else str(n)
    return f"{number} {noun}{'' if n == 1 else 'es' if noun.endswith(('ch', 'sh', 's')) else 's'}"


def _too_short(name: str, ctx: Mapping[str, Any]) -> str:
    item = _ITEM_NAMES.get(name, "item")
    where = "" if name in ("states", "transitions") else f" to '{name}'"
    return f"Add at least {_count(ctx.get('min_length', 1), item)}{where}."


def _string_too_short(name: str, ctx: Mapping[str, Any]) -> str:
    least = ctx.get("min_length", 1)
    return f"'{name}' cannot be empty." if least <= 1 else f"'{name}' needs at least {least} characters."


def _bound(name: str, ctx: Mapping[str, Any]) -> str:
    if ctx.get("le") == MAX_STORED_WHOLE:  # `version`, `quorum`: kept in a 32-bit integer column
        return (f"'{name}' must be at most {MAX_STORED_WHOLE:,}: the database keeps it as a 32-bit integer, so a "
                "larger number could not be deployed.")
    for key, words in (("ge", "at least"), ("gt", "more than"), ("le", "at most"), ("lt", "less than")):
        if key in ctx:
            return f"'{name}' must be {words} {ctx[key]}."
    return f"'{name}' is out of range."


# "letters" alone reads as allowing 'étape' or '審査', which the patterns refuse: say which letters
_LETTERS = "letters a-z and A-Z (no accents or other scripts)"
_NAME_WORDS = f"{_LETTERS}, digits, '_' and '-', starting with a letter or '_'"
_IDENTIFIER_WORDS = f"Use {_LETTERS}, digits, '_' and '-' only, starting with a letter or '_'."
_WORD_WORDS = f"Use {_LETTERS}, digits and '_' only, starting with a letter or '_'."
# What a pattern asks for, by the pattern (a context path and an event type share theirs; a task's dotted
# action, the other form of its identifier, says what the identifier says, so that the two read as one finding).
_PATTERN_WORDS = {
    IDENTIFIER_PATTERN: _IDENTIFIER_WORDS,
    r"^[A-Za-z_][\w\-]*(\.[A-Za-z_][\w\-]*)+$": _IDENTIFIER_WORDS,
    CONTEXT_PATH_PATTERN: f"Use a name, or names joined by single dots, each of {_NAME_WORDS}.",
    ERROR_KIND_PATTERN: f"Use '*' (every kind) or an error kind of {_NAME_WORDS}; dots may follow.",
    r"^\d+\.\d+\.\d+$": "Use a version of three numbers, e.g. '1.0.0'.",
    r"^[A-Za-z_][A-Za-z0-9_]*$": _WORD_WORDS,
    r"^[A-Za-z_][A-Za-z0-9_]{0,127}$": _WORD_WORDS,
}
_EMPTY = {"initial": "'initial' cannot be empty: name the state instances start in."}
_CHOICES = re.compile(r"\^\(([A-Za-z0-9_]+(?:\|[A-Za-z0-9_]+)+)\)\$")


def _pattern(name: str, ctx: Mapping[str, Any]) -> str:
    pattern = str(ctx.get("pattern", ""))
    if choices := _CHOICES.fullmatch(pattern):
        return f"'{name}' must be one of {', '.join(repr(c) for c in choices.group(1).split('|'))}."
    return _PATTERN_WORDS.get(pattern, f"'{name}' does not have the form it needs ({pattern}).")


# The sentences that say what kind of value belongs here, about a field, one item of a list, or the document.
_KINDS: dict[str, str] = {
    "dict_type": "an object { … }",
    "model_type": "an object { … }",
    "model_attributes_type": "an object { … }",
    "list_type": "a list [ … ]",
    "string_type": "text in quotes",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
}
_SENTENCES: dict[str, Callable[[str, Mapping[str, Any]], str]] = {
    "string_pattern_mismatch": _pattern,
    "too_short": _too_short,
    "too_long": lambda name, ctx: f"'{name}' holds at most {_count(ctx.get('max_length'), 'item')}.",
    "string_too_short": _string_too_short,
    "literal_error": lambda name, ctx: f"'{name}' must be one of {ctx.get('expected', 'the listed values')}.",
    "greater_than_equal": _bound,
    "greater_than": _bound,
    "less_than_equal": _bound,
    "less_than": _bound,
}


def plain_message(error: Mapping[str, Any]) -> str | None:
    """The error as a sentence for an analyst, or None when pydantic's own text is the best we have."""
    kind = str(error.get("type", ""))
    loc = error.get("loc", ())
    if kind in _KINDS:
        return f"{_subject(loc, _field(loc))} must be {_KINDS[kind]}."
    if kind == "string_pattern_mismatch" and error.get("input") == "":  # nothing written yet: not a wrong form
        return _EMPTY.get(_field(loc), f"'{_field(loc)}' cannot be empty.")
    sentence = _SENTENCES.get(kind)
    if sentence is None:
        return None
    return sentence(_field(loc), error.get("ctx") or {})
