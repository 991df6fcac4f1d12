"""Accounts on the wire: login, the current user, users (admin), API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from designer.security.principal import Principal
from designer.security.roles import Permission, Role
from designer.store.accounts import ApiTokenRow, UserRow

__all__ = [
    "LoginRequest",
    "MeRead",
    "TokenCreate",
    "TokenIssuedRead",
    "TokenRead",
    "UserCreate",
    "UserRead",
    "UserUpdate",
]

ApproverRole = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$", max_length=128)]


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginRequest(_Write):
    username: str = Field(min_length=1, max_length=256)
    password: str = Field(min_length=1, max_length=1024)


class MeRead(BaseModel):
    username: str
    display_name: str | None
    tenant: str
    roles: list[str]
    approver_roles: list[str]
    permissions: list[Permission]

    @classmethod
    def of(cls, principal: Principal) -> MeRead:
        return cls(
            username=principal.username,
            display_name=principal.display_name,
            tenant=principal.tenant,
            roles=list(principal.roles),
            approver_roles=list(principal.approver_roles),
            permissions=sorted(principal.permissions),
        )


class UserRead(BaseModel):
    username: str
    display_name: str | None
    tenant: str
    roles: list[str]
    approver_roles: list[str]
    disabled: bool
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    def of(cls, row: UserRow) -> UserRead:
        return cls(
            username=row.username,
            display_name=row.display_name,
            tenant=row.tenant_id,
            roles=list(row.roles),
            approver_roles=list(row.approver_roles),
            disabled=row.disabled,
            created_at=row.created_at,
            last_login_at=row.last_login_at,
        )


class UserCreate(_Write):
    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@\-]+$")
    password: str = Field(min_length=8, max_length=1024)
    roles: list[Role] = Field(min_length=1, max_length=5)
    approver_roles: list[ApproverRole] = Field(default_factory=list, max_length=100)
    display_name: str | None = Field(None, max_length=200)


class UserUpdate(_Write):
    password: str | None = Field(None, min_length=8, max_length=1024)
    roles: list[Role] | None = Field(None, min_length=1, max_length=5)
    approver_roles: list[ApproverRole] | None = Field(None, max_length=100)
    display_name: str | None = Field(None, max_length=200)
    disabled: bool | None = None


class TokenCreate(_Write):
    name: str = Field(min_length=1, max_length=200)
    expires_in_days: int | None = Field(None, ge=1, le=3650)


class TokenRead(BaseModel):
    id: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, row: ApiTokenRow) -> TokenRead:
        return cls(
            id=row.id,
            name=row.name,
            prefix=row.prefix,
            created_at=row.created_at,
            expires_at=row.expires_at,
            last_used_at=row.last_used_at,
        )


class TokenIssuedRead(TokenRead):
    token: str = Field(description="The secret; shown once, only a hash is kept.")
