"""Names from other formats as Statewright identifiers: `Check Order #1` → `check_order_1`."""

from __future__ import annotations

import re

from engine.definition.base import IDENTIFIER_RE

__all__ = ["IdentifierMap", "to_identifier"]

_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_\-]+")


def to_identifier(name: str, fallback: str = "state") -> str:
    """A valid identifier close to `name`: other characters become `_`, a leading digit gets a `_` prefix."""
    if IDENTIFIER_RE.match(name) and len(name) <= 128:
        return name
    text = _NOT_ALLOWED.sub("_", name.strip()).strip("_").lower() or fallback
    if not (text[0].isalpha() or text[0] == "_"):
        text = "_" + text
    return text[:128]


class IdentifierMap:
    """Gives each foreign name a distinct identifier (`a b` and `a_b` do not collide)."""

    def __init__(self, reserved: tuple[str, ...] = ()) -> None:
        self._ids: dict[str, str] = {}
        self._taken: set[str] = set(reserved)

    def __getitem__(self, name: str) -> str:
        if name not in self._ids:
            base = to_identifier(name)
            candidate, n = base, 2
            while candidate in self._taken:
                candidate, n = f"{base[:120]}_{n}", n + 1
            self._ids[name] = candidate
            self._taken.add(candidate)
        return self._ids[name]

    def fresh(self, base: str) -> str:
        """A new identifier not given to any name, for a state the import adds (e.g. a callback wait)."""
        candidate, n = base, 2
        while candidate in self._taken:
            candidate, n = f"{base}_{n}", n + 1
        self._taken.add(candidate)
        return candidate

    def renamed(self, name: str) -> bool:
        return self[name] != name
