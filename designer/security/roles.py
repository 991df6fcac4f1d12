"""The five system roles and what each permits. A user may hold several; the rights are the union."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

__all__ = ["PERMISSIONS", "ROLES", "ROLE_PERMISSIONS", "Permission", "Role", "permissions_of"]

Role = Literal["viewer", "analyst", "publisher", "approver", "admin"]
Permission = Literal["read", "edit_drafts", "publish", "operate", "decide", "admin"]

ROLES: tuple[Role, ...] = get_args(Role)
PERMISSIONS: tuple[Permission, ...] = get_args(Permission)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    "viewer": frozenset({"read"}),
    "analyst": frozenset({"read", "edit_drafts", "operate"}),
    "publisher": frozenset({"read", "edit_drafts", "operate", "publish"}),
    "approver": frozenset({"read", "decide"}),
    "admin": frozenset(PERMISSIONS),
}


def permissions_of(roles: Iterable[str]) -> frozenset[Permission]:
    """The union of the permissions of `roles`; names that are not system roles grant nothing."""
    granted: set[Permission] = set()
    for role in roles:
        if role in ROLE_PERMISSIONS:
            granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)
