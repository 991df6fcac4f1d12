"""`nul-character`: U+0000 in a definition's text — a value or a key, anywhere in the file. PostgreSQL's text and
JSON types cannot store it, so such a definition validated, deployed on SQLite, and failed with a database error
when deployed on PostgreSQL. Refused here on every backend, at the pointer of each string that holds it, as the
designer's API refuses it in what it stores (`designer/_unstorable_text.py`)."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel

from engine.json_strings import strings_holding
from engine.validation.checks._report import error
from engine.validation.findings import Finding

__all__ = ["find_nul_characters", "nul_characters_in"]

_NUL = "\x00"
_HOLDS_NUL = re.compile(_NUL)
_ESCAPED_NUL = "\\u0000"  # how compact JSON writes it (a key or a value holding it)


def _spelt(text: str, limit: int = 60) -> str:
    """`text` as the message shows it: U+0000 written `\\u0000`, long text cut."""
    shown = text if len(text) <= limit else text[:limit] + "…"
    return shown.replace(_NUL, _ESCAPED_NUL)


def nul_characters_in(document: Any) -> list[Finding]:
    """An error at each string (value or key) of a parsed definition that holds U+0000, by pointer."""
    found: list[Finding] = []
    for where, text, is_key in sorted(strings_holding(document, _HOLDS_NUL)):
        what = f"The key '{_spelt(text)}'" if is_key else f"The text '{_spelt(text)}'"
        message = (f"{what} holds U+0000 (the NUL character, written \\u0000 in JSON), which PostgreSQL cannot "
                   "store as text: the definition could not be deployed there. Remove the character.")
        found.append(error("nul-character", message, where))
    return found


def find_nul_characters(definition: BaseModel, document: Any = None) -> list[Finding]:
    """`nul_characters_in` the file a definition was read from (`document`) when given, else in the definition
    as its JSON (a field left at its default holds no U+0000, so each pointer is the file's too)."""
    if document is None:
        if _ESCAPED_NUL not in definition.model_dump_json(by_alias=True):  # the common case, checked in Rust
            return []
        document = definition.model_dump(mode="json", by_alias=True, exclude_none=True)
    elif _ESCAPED_NUL not in _encoded(document):  # the common case, encoded in C: no walk building pointers
        return []
    return nul_characters_in(document)


def _encoded(document: Any) -> str:
    """`document` as JSON text, where U+0000 can only be written `\\u0000`; a document the encoder cannot write
    (it is walked instead) as that text, so the walk runs."""
    try:
        return json.dumps(document, ensure_ascii=False, check_circular=False)
    except (TypeError, ValueError, RecursionError):
        return _ESCAPED_NUL
