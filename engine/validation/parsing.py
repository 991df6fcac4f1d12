"""From bytes to a Workflow: JSON syntax, duplicate keys, then the pydantic model — each failure a finding."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from engine.definition import (
    ApprovalState,
    ChoiceState,
    FinalState,
    MapState,
    ParallelState,
    SubflowState,
    TaskState,
    WaitState,
)
from engine.json_limits import MAX_JSON_DEPTH
from engine.validation.findings import Finding, pointer
from engine.validation.places import place_of
from engine.validation.plain_words import plain_message

__all__ = ["find_duplicate_keys", "parse_json", "schema_errors", "too_deep_message", "validate_model"]

M = TypeVar("M", bound=BaseModel)


class _KeyedObject(dict[str, Any]):
    """A JSON object that remembers the keys it saw more than once. `any_within`: whether this object or one
    inside it has such keys; known for a parsed document's top object only (the others say True: look)."""

    duplicates: tuple[str, ...] = ()
    any_within = True


def _repeated(pairs: list[tuple[str, Any]]) -> tuple[str, ...]:
    keys: set[str] = set()
    repeated: list[str] = []
    for key, _ in pairs:
        if key in keys:
            repeated.append(key)
        keys.add(key)
    return tuple(repeated)


def _keyed_objects(seen: list[_KeyedObject]) -> Callable[[list[tuple[str, Any]]], _KeyedObject]:
    """A hook building each object of one document, adding those with a key seen twice to `seen`."""

    def hook(pairs: list[tuple[str, Any]]) -> _KeyedObject:
        obj = _KeyedObject(pairs)
        if len(obj) < len(pairs):
            obj.duplicates = _repeated(pairs)
            seen.append(obj)
        return obj

    return hook


def parse_json(text: str | bytes) -> tuple[Any, list[Finding]]:
    """Parse JSON text; on a syntax error return no document and an `invalid-json` finding with its place. A
    leading byte order mark, which Windows editors write, is ignored (RFC 8259 allows a parser to)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, [Finding(code="invalid-json", severity="error", message=f"The file is not UTF-8 text: {exc}")]
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return None, [Finding(code="invalid-json", severity="error",
                              message="The file is empty: a definition is one JSON object { … }.")]
    with_duplicates: list[_KeyedObject] = []
    not_numbers: list[_NotANumber] = []
    try:
        document = json.loads(text, object_pairs_hook=_keyed_objects(with_duplicates),
                              parse_constant=_not_a_number(not_numbers), parse_float=_float(not_numbers))
    except json.JSONDecodeError as exc:
        message = f"The file is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        return None, [
            Finding(code="invalid-json", severity="error", message=message, line=exc.lineno, column=exc.colno)
        ]
    except RecursionError:
        return None, [_too_deep_to_parse(text)]
    except ValueError:  # a number with more digits than Python converts (4,300): no place is given
        message = "The file is not valid JSON for a definition: a number in it is too long (over 4,300 digits)."
        return None, [Finding(code="invalid-json", severity="error", message=message)]
    if isinstance(document, _KeyedObject):
        document.any_within = bool(with_duplicates)
    not_json = _not_numbers_in(document) if not_numbers else []  # NaN, Infinity: no document, as a syntax error
    return (None, not_json) if not_json else (document, [])


# What the nesting of JSON text is made of: strings (a key, or a value to pass over), brackets, commas and colons.
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]')


def too_deep_message(*, unreadable: bool = False) -> str:
    """The one wording of the nesting limit (`unreadable`: text too deep for Python's parser to read at all)."""
    beyond = " and goes on for hundreds more, too deep to be read at all" if unreadable else ""
    return (f"The definition nests more than {MAX_JSON_DEPTH} levels deep here (the limit; `{{}}` is 1 level){beyond}: "
            "nothing this deep can be stored and read back. Flatten what is nested here; states inside parallel and "
            "map states inside one another belong in a workflow of their own, started as a subflow.")


def _too_deep_to_parse(text: str) -> Finding:
    """`invalid-json` for text nested deeper than Python's parser follows (some hundreds of levels): at the place
    where it passes `MAX_JSON_DEPTH`, the limit of a definition, found by reading the text's structure alone."""
    place = _where_too_deep(text, MAX_JSON_DEPTH)
    message = too_deep_message(unreadable=True)
    if place is None:  # not found: no place to give
        return Finding(code="invalid-json", severity="error", message=message)
    tokens, offset = place
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Finding(code="invalid-json", severity="error", message=message, pointer=pointer(*tokens), line=line,
                   column=column)


def _where_too_deep(text: str, limit: int) -> tuple[tuple[str | int, ...], int] | None:
    """The JSON pointer tokens and the offset of the first object or array opened `limit` levels deep (so the
    nesting passes `limit` there), read from the text's brackets, keys and commas without building anything;
    None when nothing is."""
    # each open container: [its key or index now, whether a key is due next (objects only), whether an object]
    open_: list[list[Any]] = []
    for found in _STRUCTURE.finditer(text):
        mark = found.group()
        if mark in ("{", "["):
            if len(open_) == limit:
                return tuple(entry[0] for entry in open_), found.start()
            open_.append(["", True, True] if mark == "{" else [0, False, False])
        elif not open_:
            continue
        elif mark in ("}", "]"):
            open_.pop()
        elif mark == ",":
            if open_[-1][2]:
                open_[-1][1] = True
            else:
                open_[-1][0] += 1
        elif mark.startswith('"') and open_[-1][2] and open_[-1][1]:
            open_[-1][0], open_[-1][1] = _key(mark), False
    return None


def _key(quoted: str) -> str:
    try:
        key = json.loads(quoted)
    except ValueError:
        return quoted[1:-1]
    return key if isinstance(key, str) else quoted[1:-1]


def _not_numbers_in(document: Any) -> list[Finding]:
    return [Finding(code="invalid-json", severity="error", pointer=pointer(*path), message=value.message)
            for path, value in _places_of(document, _NotANumber)]


class _NotANumber:
    """What Python's `json` would read as NaN or ±Infinity — `NaN`, `Infinity`, `-Infinity`, which JSON does not
    have (RFC 8259), or a number too large for a float (`1e999`) — kept to say where it is. A bound on the field
    said 'must be at most 86400' of a NaN, which is no number at all."""

    def __init__(self, text: str) -> None:
        self.message = (f"{text} is not a number: JSON has no NaN or Infinity; write a number." if text[-1].isalpha()
                        else f"The number {text} is out of range: write one a float can hold (up to about 1.8e308).")


def _not_a_number(seen: list[_NotANumber]) -> Callable[[str], _NotANumber]:
    def hook(text: str) -> _NotANumber:
        seen.append(_NotANumber(text))
        return seen[-1]

    return hook


def _float(seen: list[_NotANumber]) -> Callable[[str], float | _NotANumber]:
    def hook(text: str) -> float | _NotANumber:
        value = float(text)
        if math.isfinite(value):
            return value
        seen.append(_NotANumber(text))
        return seen[-1]

    return hook


def _places_of(document: Any, kind: type,
               path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(path, value) of each value of `kind` in `document`, in document order."""
    if isinstance(document, kind):
        yield path, document
    elif isinstance(document, dict):
        for key, value in document.items():
            yield from _places_of(value, kind, (*path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _places_of(value, kind, (*path, index))


def find_duplicate_keys(document: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Yield (path of the object, key) for each key that appears twice in one object."""
    if isinstance(document, _KeyedObject):
        if not document.any_within:
            return
        for key in document.duplicates:
            yield path, key
        for key, value in document.items():
            yield from find_duplicate_keys(value, (*path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from find_duplicate_keys(value, (*path, index))


def _locate(document: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Map a pydantic error location onto the document, dropping the union tags pydantic inserts."""
    located: list[str | int] = []
    node = document
    for token in loc:
        child = _child(node, token)
        if child is not _ABSENT:
            node = child
            located.append(token)
        elif isinstance(node, dict) and isinstance(token, str) and not _is_tag(node, token):
            located.append(token)  # a missing field: point at where it belongs
            break
        elif not isinstance(node, dict | list):
            break
        # otherwise a discriminator tag ('task') pydantic inserted: skip it
    return tuple(located)


_ABSENT = object()


def _child(node: Any, token: str | int) -> Any:
    if isinstance(node, dict) and token in node:
        return node[token]
    if isinstance(node, list) and isinstance(token, int) and 0 <= token < len(node):
        return node[token]
    return _ABSENT


def _is_tag(node: dict[str, Any], token: str) -> bool:
    return node.get("type") == token or token.startswith("function-") or "[" in token or ":" in token


# The fields of each state type, to tell a misspelt field from one that belongs to another type of state.
_STATE_FIELDS: dict[str, frozenset[str]] = {
    model.model_fields["type"].annotation.__args__[0]: frozenset(model.model_fields)  # type: ignore[union-attr]
    for model in (TaskState, ChoiceState, ApprovalState, WaitState, ParallelState, SubflowState, MapState, FinalState)
}


def _not_a_field(loc: tuple[Any, ...]) -> str:
    """An unknown field; in a state, said against the state's type ('not a field of a choice state') and, when
    another type of state has it, which — the type is then more likely wrong than the field."""
    name = str(loc[-1])
    other_form = _other_retry_form(loc)
    if other_form is not None:
        return other_form
    state_type = loc[-2] if len(loc) >= 2 and loc[-2] in _STATE_FIELDS else None
    if state_type is None:
        return f"'{name}' is not a field the format knows (check the spelling)."
    owners = [kind for kind, fields in _STATE_FIELDS.items() if name in fields]
    if not owners:
        return f"'{name}' is not a field of a {state_type} state (check the spelling)."
    kinds = owners[0] if len(owners) == 1 else f"{', '.join(owners[:-1])} or {owners[-1]}"
    return f"'{name}' is not a field of a {state_type} state; a {kinds} state has it (check the state's 'type')."


def _other_retry_form(loc: tuple[Any, ...]) -> str | None:
    """A task's `retry` has two forms whose fields name the error kinds differently: the single policy's
    `retry_on`, a rule's `errors` in a list of rules. The one written in the other form is said as such."""
    if "retry:rules" in loc and loc[-1] == "retry_on":
        return ("'retry_on' belongs to the single retry policy (an object); a rule in a list of rules names its "
                "error kinds in 'errors'.")
    if "retry:policy" in loc and loc[-1] == "errors":
        return ("'errors' belongs to a rule in a list of retry rules; the single retry policy (an object) names its "
                "error kinds in 'retry_on' — or write `retry` as a list of rules.")
    return None


def _describe(error: Any) -> str:
    kind = error["type"]
    message = str(error["msg"])
    plain = plain_message(error)
    if plain is not None:
        return plain
    if kind == "missing":
        return f"'{error['loc'][-1]}' is required here."
    if kind == "extra_forbidden":
        return _not_a_field(tuple(error["loc"]))
    if kind == "union_tag_invalid":
        ctx = error.get("ctx") or {}
        return (f"{ctx.get('discriminator', 'The tag')} is '{ctx.get('tag')}', which is not one of "
                f"{ctx.get('expected_tags', 'the known kinds')}.")
    return message.removeprefix("Value error, ") + ("" if message.endswith(".") else ".")


# pydantic's errors that say a value is not of a union member's kind at all ('must be a list' of a transition's
# `source` that is a text)
_WRONG_KIND = frozenset({"list_type", "dict_type", "model_type", "string_type", "int_type", "float_type", "bool_type",
                         "literal_error", "int_parsing", "float_parsing", "bool_parsing"})
_KIND_WORDS = {"list_type": "a list [ … ]", "dict_type": "an object { … }", "model_type": "an object { … }",
               "string_type": "text in quotes", "int_type": "a whole number", "float_type": "a number",
               "bool_type": "true or false", "int_parsing": "a whole number", "float_parsing": "a number",
               "bool_parsing": "true or false"}
_MEMBER = re.compile(r"^(constrained-str|str|int|float|bool|list\[.*\]|dict\[.*\]|literal\[.*\])$")


def _member_at(loc: tuple[Any, ...]) -> int | None:
    return next((n for n, token in enumerate(loc) if isinstance(token, str) and _MEMBER.match(token)), None)


def _kinds_said(errors: list[Any]) -> str:
    kinds = []
    for error in errors:
        expected = (error.get("ctx") or {}).get("expected")
        said = str(expected) if error["type"] == "literal_error" and expected else _KIND_WORDS.get(error["type"])
        if said and said not in kinds:
            kinds.append(said)
    return kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} or {kinds[-1]}"


def _branch_that_fits(errors: list[Any]) -> list[Any]:
    """A value that fits no member of a union (`source`: a state id, a list of them, or '*') gets errors from
    every member; keep those of the members whose kind the value has ('étape' is text: the id's pattern, not
    'must be a list' and 'must be *'), or, when it has none of their kinds, one error naming them all."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for index, error in enumerate(errors):
        loc = tuple(error["loc"])
        at = _member_at(loc)
        if at is not None:
            groups.setdefault(loc[:at], []).append(index)
    dropped: set[int] = set()
    merged: dict[int, Any] = {}
    for where, members in groups.items():
        if len(members) < 2:
            continue
        fitting = [i for i in members if errors[i]["type"] not in _WRONG_KIND]
        if fitting:
            dropped.update(i for i in members if i not in fitting)
            continue
        dropped.update(members[1:])
        name = next((str(t) for t in reversed(where) if isinstance(t, str)), "the value")
        merged[members[0]] = {"type": "union_kinds", "loc": where,
                              "msg": f"'{name}' must be {_kinds_said([errors[i] for i in members])}."}
    return [merged.get(index, error) for index, error in enumerate(errors) if index not in dropped]


def _at_fault(document: Any, located: tuple[str | int, ...]) -> tuple[str, tuple[str, ...], tuple[int, ...]]:
    """What a schema error names: the state or transition it is in, and — inside a parallel state's branch or a
    map's iterator — the way there in words (`Place.way_there`)."""
    place = place_of(document, located)
    if place.kind == "state":
        return place.way_there(), (str(place.element[-1]),), ()
    if place.kind == "transition":
        return place.way_there(), (), (int(place.element[-1]),)
    return place.way_there(), (), ()


def schema_errors(model: type[M], document: Any) -> tuple[M | None, list[tuple[tuple[str | int, ...], Finding]]]:
    """Validate a parsed document against a model; each pydantic error becomes a `schema` finding, given with the
    tokens of its place in the document. Its pointer is that place and, in a definition's state or transition,
    it names that state or transition (in a branch or an iterator, also the way there)."""
    try:
        return model.model_validate(document), []
    except ValidationError as exc:
        found: list[tuple[tuple[str | int, ...], Finding]] = []
        seen: set[tuple[str, str]] = set()
        for error in _branch_that_fits(exc.errors()):
            located = _locate(document, tuple(error["loc"]))
            place, states, transitions = _at_fault(document, located)
            finding = Finding(code="schema", severity="error", message=place + _describe(error),
                              pointer=pointer(*located), states=states, transitions=transitions)
            if (finding.pointer, finding.message) not in seen:
                seen.add((finding.pointer, finding.message))
                found.append((located, finding))
        return None, found


def validate_model(model: type[M], document: Any) -> tuple[M | None, list[Finding]]:
    """Validate a parsed document against a model; each pydantic error becomes a located `schema` finding."""
    loaded, errors = schema_errors(model, document)
    return loaded, [finding for _, finding in errors]
