"""A path whose integer parameter is not an integer (`/api/approvals/abc`) is a 400 naming the parameter, as one
out of range (`/versions/0`) is, not the router's bare 404 "Not Found": the router matches `{version:int}` only
against digits, so such a path reaches no route, and a client would be told the resource does not exist when
it asked for it wrongly."""

from __future__ import annotations

import re
from dataclasses import dataclass

from litestar import Litestar
from litestar.routes import HTTPRoute

__all__ = ["IntegerPaths"]

_PARAMETER = re.compile(r"\{(\w+)\}")
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)


@dataclass(frozen=True)
class _Template:
    pattern: re.Pattern[str]
    integers: tuple[str, ...]
    methods: frozenset[str]


def _template(route: HTTPRoute) -> _Template | None:
    integers = tuple(name for name, definition in route.path_parameters.items() if definition.type is int)
    if not integers:
        return None
    parts = _PARAMETER.split(route.path_format)  # text, name, text, name, …, text
    pattern = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+)"
                      for index, part in enumerate(parts))
    return _Template(re.compile(pattern), integers, frozenset(route.methods))


class IntegerPaths:
    """The app's routes that have integer path parameters, to tell a mistyped one from a path of no route."""

    def __init__(self, app: Litestar) -> None:
        self._templates = tuple(found for route in app.routes if isinstance(route, HTTPRoute)
                                if (found := _template(route)) is not None)

    def misfit(self, method: str, path: str) -> tuple[str, str] | None:
        """(parameter, the text given) when `path` is a route's but for an integer parameter that holds no
        integer, and `method` is one that route answers; None otherwise (a path of no route at all)."""
        asked = "GET" if method == "HEAD" else method
        for template in self._templates:
            found = template.pattern.fullmatch(path)
            if found is None or asked not in template.methods:
                continue
            for name in template.integers:
                if not _INTEGER.fullmatch(found[name]):
                    return name, found[name]
        return None
