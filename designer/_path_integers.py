"""An integer in a path or a query is written in the ASCII digits 0-9 alone, and anything else is a 400 naming the
parameter.

Litestar reads `{approval_id:int}` with Python's `int()`, and a query integer with msgspec's lax conversion, so
both took spellings a client never means and the API never writes: a sign (`/api/approvals/+1`), blanks
(`/versions/%201`), underscores (`1_0`), other scripts' digits (`/api/approvals/%D9%A3`, an Arabic-Indic 3, was
approval 3) and exponents (`?limit=1e2` was 100). One check before the handler (`refuse_loose_integers`, run by
`check_request`) holds every integer path and query parameter of every endpoint to `^[0-9]+$`; each endpoint's
own bounds (`ge`, `le`) then apply as before.

A path whose integer parameter is not an integer at all (`/api/approvals/abc`) is refused the same way, not with
the router's bare 404 "Not Found": the router cannot read it, so the path reaches no route, and a client would be
told the resource does not exist when it asked for it wrongly (`IntegerPaths.misfit`, from the 404 handler)."""

from __future__ import annotations

import re
import types
from dataclasses import dataclass
from typing import Any

from litestar import Litestar, Request
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute
from litestar.typing import FieldDefinition

__all__ = ["IntegerPaths", "not_an_integer", "refuse_loose_integers"]

_PARAMETER = re.compile(r"\{(\w+)\}")
_DIGITS = re.compile(r"[0-9]+")
_SHOWN = 40


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


def not_an_integer(source: str, name: str, given: str) -> ValidationException:
    """The 400 for `given`, the text of the integer parameter `name` (in the `path` or the `query`)."""
    message = f"'{given[:_SHOWN]}' is not an integer: {name} is a whole number, written in the digits 0-9 only"
    return ValidationException("Validation failed", extra=[{"message": message, "key": name, "source": source}])


class IntegerPaths:
    """The app's routes that have integer path parameters: to tell a mistyped one from a path of no route, and
    to find the text of each in a path a route matched."""

    def __init__(self, app: Litestar) -> None:
        found = [(route.path_format, template) for route in app.routes if isinstance(route, HTTPRoute)
                 if (template := _template(route)) is not None]
        self._templates = tuple(template for _, template in found)
        self._by_format = dict(found)

    def misfit(self, method: str, path: str) -> tuple[str, str] | None:
        """(parameter, the text given) when `path` is a route's but for an integer parameter that holds no
        integer, and `method` is one that route answers; None otherwise (a path of no route at all)."""
        asked = "GET" if method == "HEAD" else method
        for template in self._templates:
            found = template.pattern.fullmatch(path)
            if found is None or asked not in template.methods:
                continue
            misfit = _loose(template, found)
            if misfit is not None:
                return misfit
        return None

    def loose(self, path_format: str, path: str) -> tuple[str, str] | None:
        """(parameter, the text given) of an integer parameter of the route `path_format` that `path` (which the
        router matched to it) does not write in digits alone; None when each is."""
        template = self._by_format.get(path_format)
        found = None if template is None else template.pattern.fullmatch(path)
        return None if template is None or found is None else _loose(template, found)


def _loose(template: _Template, found: re.Match[str]) -> tuple[str, str] | None:
    for name in template.integers:
        if not _DIGITS.fullmatch(found[name]):
            return name, found[name]
    return None


def _is_integer(field: FieldDefinition | None) -> bool:
    """`int` or `int | None` (not `bool`, which is an int to Python)."""
    if field is None:
        return False
    if field.annotation is int:
        return True
    return field.is_optional and {arg.annotation for arg in field.inner_types} == {int, types.NoneType}


_QUERY_INTEGERS: dict[tuple[HTTPRouteHandler, frozenset[str]], tuple[str, ...]] = {}


def _query_integers(handler: HTTPRouteHandler, path_parameters: frozenset[str]) -> tuple[str, ...]:
    """The integer query parameters `handler` reads — its own and its dependencies' (a page's `limit` and
    `offset`) — by the names a request gives them (`?from=`); worked out once per handler."""
    key = (handler, path_parameters)
    found = _QUERY_INTEGERS.get(key)
    if found is None:
        model = handler.create_kwargs_model(path_parameters=dict.fromkeys(path_parameters))  # type: ignore[arg-type]
        fields: dict[str, FieldDefinition] = dict(handler.signature_model._fields)
        for batch in model.dependency_batches:
            for dependency in batch:
                fields.update(dependency.provide.signature_model._fields)
        found = _QUERY_INTEGERS[key] = tuple(
            parameter.field_alias for parameter in model.expected_query_params
            if _is_integer(fields.get(parameter.field_name)))
    return found


async def refuse_loose_integers(request: Request[Any, Any, Any]) -> None:
    """Every integer path and query parameter of the request's endpoint written in the digits 0-9 alone, or a
    400 naming the first that is not."""
    scope = request.scope
    integer_paths = request.app.state.get("integer_paths")
    if scope.get("path_params") and isinstance(integer_paths, IntegerPaths):
        loose = integer_paths.loose(scope.get("path_template", ""), scope["path"])
        if loose is not None:
            raise not_an_integer("path", *loose)
    handler = scope.get("route_handler")
    if not scope.get("query_string") or not isinstance(handler, HTTPRouteHandler):
        return
    query = request.query_params
    for name in _query_integers(handler, frozenset(scope.get("path_params") or ())):
        given = query.get(name)
        if given is not None and not _DIGITS.fullmatch(given):
            raise not_an_integer("query", name, given)
