"""The authenticated caller, as every handler sees it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from designer.security.roles import Permission, permissions_of

__all__ = ["AuthMethod", "Principal"]

AuthMethod = Literal["session", "token"]


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    username: str
    tenant: str
    roles: tuple[str, ...]
    approver_roles: tuple[str, ...]
    display_name: str | None = None

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.roles)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def is_assigned(self, roles: list[str] | tuple[str, ...], users: list[str] | tuple[str, ...]) -> bool:
        """An approval is assigned to me when one of my approver roles or my username is named."""
        return self.username in users or any(role in roles for role in self.approver_roles)
