"""XML ids for an SCXML export: one document-wide namespace, while Statewright names are scoped.

A state's name is unique among its siblings only: every branch of a parallel state may have its own `work`, a
branch may be named like a state elsewhere, and a context key may be named like a state (or be no XML name at
all, e.g. `total amount`). SCXML gives every `id` one element in the whole document, so the export keeps a name
as the id where it is free and otherwise gives a qualified one (`fan.check.work`), writing the name itself in
`sw:name` for the import to read back.
"""

from __future__ import annotations

import re

__all__ = ["XmlIds", "to_xml_name"]

_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_.\-]+")


def to_xml_name(name: str) -> str:
    """`name` if it is an XML name (an NCName, ASCII letters), else one close to it: other characters as `_`."""
    if _NCNAME.match(name):
        return name
    text = _NOT_ALLOWED.sub("_", name) or "_"
    return text if text[0].isalpha() or text[0] == "_" else "_" + text


class XmlIds:
    """Hands out ids no other element of the document has."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def reserve(self, names: list[str]) -> None:
        """Claim names up front (the top-level states), so nothing handed out earlier in the document takes them."""
        self._taken.update(names)

    def claim(self, name: str, scope: str | None = None) -> str:
        """`name` if free; else `scope.name` (the id of what it is inside), then `…_2`, `…_3` until free."""
        candidate = to_xml_name(name)
        if candidate in self._taken and scope is not None:
            candidate = f"{scope}.{candidate}"
        base, n = candidate, 2
        while candidate in self._taken:
            candidate, n = f"{base}_{n}", n + 1
        self._taken.add(candidate)
        return candidate
