"""Route guards: a handler names the permission it needs; the guard refuses everyone else with 403."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from designer.errors import Forbidden, Unauthenticated
from designer.security.principal import Principal
from designer.security.roles import Permission

__all__ = ["principal_of_connection", "requires"]

Guard = Callable[[ASGIConnection, BaseRouteHandler], Coroutine[Any, Any, None]]  # type: ignore[type-arg]


def principal_of_connection(connection: ASGIConnection) -> Principal:  # type: ignore[type-arg]
    user = connection.scope.get("user")
    if not isinstance(user, Principal):
        raise Unauthenticated("sign in first")
    return user


def requires(permission: Permission) -> Guard:
    # async although it never awaits: Litestar runs a plain function guard in a worker thread, a hop (and a
    # wait for the GIL) per request for a check that reads one attribute
    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:  # type: ignore[type-arg]
        principal = principal_of_connection(connection)
        if not principal.can(permission):
            roles = ", ".join(principal.roles) or "none"
            raise Forbidden(f"this needs the '{permission}' permission, which your roles ({roles}) do not give")

    guard.__name__ = f"requires_{permission}"
    return guard
