"""Permissions: a handler names the one it needs in its `opt` (`opt=requires("operate")`, on a controller for
all its handlers), and the authentication middleware, once it knows the caller, refuses everyone else with 403.

Not Litestar guards: Litestar calls each guard with a copy of the route handler, made per request, which cost
the send-event request more CPU than the permission check itself (bench_api)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar.connection import ASGIConnection

from designer.errors import Forbidden, Unauthenticated
from designer.security.principal import Principal
from designer.security.roles import ROLE_PERMISSIONS, ROLES, Permission

__all__ = ["PERMISSION_OPT", "check_permission", "principal_of_connection", "requires"]

PERMISSION_OPT = "permission"


def principal_of_connection(connection: ASGIConnection) -> Principal:  # type: ignore[type-arg]
    user = connection.scope.get("user")
    if not isinstance(user, Principal):
        raise Unauthenticated("sign in first")
    return user


def requires(permission: Permission) -> dict[str, Permission]:
    """The `opt` of a handler (or controller) only callers with `permission` may use."""
    return {PERMISSION_OPT: permission}


def check_permission(principal: Principal, opt: Mapping[str, Any]) -> None:
    """403 unless the caller has the permission the handler's `opt` names (if it names one), saying which roles
    give it."""
    permission = opt.get(PERMISSION_OPT)
    if permission is not None and not principal.can(permission):
        roles = ", ".join(principal.roles) or "none"
        giving = ", ".join(role for role in ROLES if permission in ROLE_PERMISSIONS[role])
        raise Forbidden(
            f"this needs the '{permission}' permission, which your roles ({roles}) do not give; the roles that "
            f"give it: {giving}"
        )
