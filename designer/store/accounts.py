"""Accounts: tenants, users, API tokens, sessions and login attempts — tables and the transactions over them.

This module stores what it is given. Password hashing, token generation, throttling policy and roles belong to
the designer; here a password is an opaque hash, a token or session is the hash of a secret, and a role is a
string.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import JSON, Column, Field, Session, SQLModel, col, func, select

from designer.store.utc_time import UtcDateTime, utc_now

__all__ = [
    "AccountStore",
    "ApiTokenRow",
    "DuplicateAccount",
    "LoginAttemptRow",
    "SessionRow",
    "TenantRow",
    "UserRow",
]


class TenantRow(SQLModel, table=True):
    __tablename__ = "tenants"

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class UserRow(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenants.id", index=True, max_length=64)
    username: str = Field(unique=True, index=True, max_length=64)
    display_name: str | None = Field(default=None, max_length=200)
    password_hash: str = Field(max_length=512)
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    approver_roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    disabled: bool = False
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class ApiTokenRow(SQLModel, table=True):
    __tablename__ = "api_tokens"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(max_length=200)
    prefix: str = Field(max_length=16)
    token_hash: str = Field(unique=True, index=True, max_length=128)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class SessionRow(SQLModel, table=True):
    __tablename__ = "user_sessions"

    id_hash: str = Field(primary_key=True, max_length=128)
    user_id: int = Field(foreign_key="users.id", index=True)
    csrf_token: str = Field(max_length=128)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)


class LoginAttemptRow(SQLModel, table=True):
    __tablename__ = "login_attempts"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, max_length=256)
    succeeded: bool
    remote: str | None = Field(default=None, max_length=128)
    at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime, index=True)


class DuplicateAccount(Exception):
    """A username (or tenant id) that exists already."""


class AccountStore:
    """The account tables behind one SQLAlchemy engine; every method is one short transaction."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    @property
    def engine(self) -> sa.Engine:
        return self._engine

    def _session(self) -> Session:
        return Session(self._engine, expire_on_commit=False)

    # tenants
    def ensure_tenant(self, tenant_id: str, name: str | None = None) -> TenantRow:
        with self._session() as session:
            found = session.get(TenantRow, tenant_id)
            if found is not None:
                return found
            row = TenantRow(id=tenant_id, name=name or tenant_id)
            session.add(row)
            try:
                session.commit()
            except IntegrityError:  # created concurrently: the other one is as good
                session.rollback()
                existing = session.get(TenantRow, tenant_id)
                if existing is None:
                    raise
                return existing
            return row

    # users
    def add_user(
        self,
        *,
        username: str,
        tenant_id: str,
        password_hash: str,
        roles: Sequence[str],
        approver_roles: Sequence[str] = (),
        display_name: str | None = None,
    ) -> UserRow:
        self.ensure_tenant(tenant_id)
        row = UserRow(
            username=username,
            tenant_id=tenant_id,
            password_hash=password_hash,
            roles=list(roles),
            approver_roles=list(approver_roles),
            display_name=display_name,
        )
        with self._session() as session:
            session.add(row)
            try:
                session.commit()
            except IntegrityError as exc:
                raise DuplicateAccount(f"the user '{username}' exists already") from exc
            session.refresh(row)
            return row

    def get_user(self, username: str) -> UserRow | None:
        with self._session() as session:
            return session.exec(select(UserRow).where(UserRow.username == username)).first()

    def get_user_by_id(self, user_id: int) -> UserRow | None:
        with self._session() as session:
            return session.get(UserRow, user_id)

    def list_users(
        self, tenant_id: str | None = None, *, limit: int = 500, offset: int = 0
    ) -> tuple[list[UserRow], int]:
        with self._session() as session:
            query = select(UserRow)
            counter = select(func.count()).select_from(UserRow)
            if tenant_id is not None:
                query = query.where(UserRow.tenant_id == tenant_id)
                counter = counter.where(UserRow.tenant_id == tenant_id)
            total = session.exec(counter).one()
            rows = session.exec(query.order_by(col(UserRow.username)).limit(limit).offset(offset)).all()
            return list(rows), int(total)

    def update_user(self, username: str, **changes: Any) -> UserRow | None:
        """Set the given columns (`password_hash`, `roles`, `approver_roles`, `display_name`, `disabled`)."""
        allowed = {"password_hash", "roles", "approver_roles", "display_name", "disabled", "last_login_at"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"not a user column that may change: {sorted(unknown)}")
        with self._session() as session:
            row = session.exec(select(UserRow).where(UserRow.username == username)).first()
            if row is None:
                return None
            for name, value in changes.items():
                setattr(row, name, list(value) if name in ("roles", "approver_roles") else value)
            session.add(row)
            if changes.get("disabled") or "password_hash" in changes:
                self._end_sessions(session, row.id)
            session.commit()
            session.refresh(row)
            return row

    @staticmethod
    def _end_sessions(session: Session, user_id: int | None) -> None:
        session.execute(sa.delete(SessionRow).where(col(SessionRow.user_id) == user_id))

    # sessions
    def add_session(self, *, id_hash: str, user_id: int, csrf_token: str, expires_at: datetime) -> None:
        with self._session() as session:
            session.add(SessionRow(id_hash=id_hash, user_id=user_id, csrf_token=csrf_token, expires_at=expires_at))
            session.execute(sa.update(UserRow).where(col(UserRow.id) == user_id).values(last_login_at=utc_now()))
            session.commit()

    def get_session(self, id_hash: str) -> SessionRow | None:
        with self._session() as session:
            return session.get(SessionRow, id_hash)

    def delete_session(self, id_hash: str) -> None:
        with self._session() as session:
            session.execute(sa.delete(SessionRow).where(col(SessionRow.id_hash) == id_hash))
            session.commit()

    def purge_expired_sessions(self, now: datetime | None = None) -> int:
        with self._session() as session:
            purge = sa.delete(SessionRow).where(col(SessionRow.expires_at) < (now or utc_now()))
            removed = session.connection().execute(purge).rowcount
            session.commit()
            return removed

    # API tokens
    def add_token(
        self,
        *,
        token_id: str,
        user_id: int,
        name: str,
        prefix: str,
        token_hash: str,
        expires_at: datetime | None,
    ) -> ApiTokenRow:
        row = ApiTokenRow(
            id=token_id,
            user_id=user_id,
            name=name,
            prefix=prefix,
            token_hash=token_hash,
            expires_at=expires_at,
        )
        with self._session() as session:
            session.add(row)
            session.commit()
            session.refresh(row)
            return row

    def find_token(self, token_hash: str) -> ApiTokenRow | None:
        with self._session() as session:
            return session.exec(select(ApiTokenRow).where(ApiTokenRow.token_hash == token_hash)).first()

    def touch_token(self, token_id: str, at: datetime | None = None) -> None:
        with self._session() as session:
            session.execute(
                sa.update(ApiTokenRow).where(col(ApiTokenRow.id) == token_id).values(last_used_at=at or utc_now())
            )
            session.commit()

    def list_tokens(self, user_id: int, *, limit: int = 500, offset: int = 0) -> tuple[list[ApiTokenRow], int]:
        with self._session() as session:
            where = col(ApiTokenRow.user_id) == user_id
            total = session.exec(select(func.count()).select_from(ApiTokenRow).where(where)).one()
            query = select(ApiTokenRow).where(where).order_by(col(ApiTokenRow.created_at).desc())
            rows = session.exec(query.limit(limit).offset(offset)).all()
            return list(rows), int(total)

    def delete_token(self, user_id: int, token_id: str) -> bool:
        with self._session() as session:
            removal = sa.delete(ApiTokenRow).where(col(ApiTokenRow.id) == token_id, col(ApiTokenRow.user_id) == user_id)
            removed = session.connection().execute(removal).rowcount
            session.commit()
            return removed > 0

    # login attempts
    def record_login_attempt(self, username: str, *, succeeded: bool, remote: str | None, at: datetime) -> None:
        with self._session() as session:
            session.add(LoginAttemptRow(username=username, succeeded=succeeded, remote=remote, at=at))
            session.commit()

    def purge_login_attempts(self, before: datetime) -> None:
        with self._session() as session:
            session.execute(sa.delete(LoginAttemptRow).where(col(LoginAttemptRow.at) < before))
            session.commit()
