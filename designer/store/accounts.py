"""Accounts: tenants, users, API tokens, sessions and login attempts — tables and the transactions over them.

This module stores what it is given. Password hashing, token generation, throttling policy and roles belong to
the designer; here a password is an opaque hash, a token or session is the hash of a secret, and a role is a
string.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import JSON, Column, Field, Session, SQLModel, col, func, select

from designer.store.utc_time import UtcDateTime, utc_now
from engine.database import read_session, writing_if_free

__all__ = [
    "AccountStore",
    "ApiTokenRow",
    "DuplicateAccount",
    "LastRoleHolder",
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


class LastRoleHolder(Exception):
    """A change that would leave a tenant with no enabled user holding a role."""

    def __init__(self, username: str, tenant_id: str, role: str) -> None:
        super().__init__(f"'{username}' is the last enabled {role} of tenant '{tenant_id}'")
        self.username = username
        self.tenant_id = tenant_id
        self.role = role


def _spelt_like(username: str) -> sa.ColumnElement[bool]:
    """Users whose name is `username` in any case (ASCII: names are letters, digits and `_.@-`)."""
    return func.lower(col(UserRow.username)) == username.lower()


class AccountStore:
    """The account tables behind one SQLAlchemy engine; every method is one short transaction. Those that only
    read (signing a request in, listings) read in a read-only one: on SQLite they wait for no writer."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    @property
    def engine(self) -> sa.Engine:
        return self._engine

    def _session(self) -> Session:
        return Session(self._engine, expire_on_commit=False)

    def _reading(self) -> AbstractContextManager[Session]:
        return read_session(self._engine)

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
        """A new user. A username is unique whatever its case (`Ada` is taken when `ada` exists, in any tenant:
        names are global, for signing in), checked in the transaction that adds it."""
        self.ensure_tenant(tenant_id)
        row = UserRow(
            username=username,
            tenant_id=tenant_id,
            password_hash=password_hash,
            roles=list(roles),
            approver_roles=list(approver_roles),
            display_name=display_name,
        )
        taken = DuplicateAccount(f"the username '{username}' is taken; choose another")
        with self._session() as session:
            if session.get_bind().dialect.name == "postgresql":  # SQLite's BEGIN IMMEDIATE serialises it already
                session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:name))"),
                                {"name": "statewright.users:" + username.lower()})
            if session.exec(select(UserRow.id).where(_spelt_like(username))).first() is not None:
                raise taken
            session.add(row)
            try:
                session.commit()
            except IntegrityError as exc:
                raise taken from exc
            session.refresh(row)
            return row

    def get_user(self, username: str) -> UserRow | None:
        """The user of that name: spelt exactly, or else in another case when only one user is spelt so (a
        database from before names were compared without case may hold `ada` and `Ada`: each is found by its
        own spelling, neither by a third)."""
        with self._reading() as session:
            exact = session.exec(select(UserRow).where(UserRow.username == username)).first()
            if exact is not None:
                return exact
            alike = session.exec(select(UserRow).where(_spelt_like(username)).limit(2)).all()
            return alike[0] if len(alike) == 1 else None

    def get_user_by_id(self, user_id: int) -> UserRow | None:
        with self._reading() as session:
            return session.get(UserRow, user_id)

    def list_users(
        self, tenant_id: str | None = None, *, limit: int = 500, offset: int = 0
    ) -> tuple[list[UserRow], int]:
        with self._reading() as session:
            query = select(UserRow)
            counter = select(func.count()).select_from(UserRow)
            if tenant_id is not None:
                query = query.where(UserRow.tenant_id == tenant_id)
                counter = counter.where(UserRow.tenant_id == tenant_id)
            total = session.exec(counter).one()
            rows = session.exec(query.order_by(col(UserRow.username)).limit(limit).offset(offset)).all()
            return list(rows), int(total)

    def users_of_tenant(self, tenant_id: str) -> list[UserRow]:
        """Every user of the tenant, disabled ones too, by username: what checking a definition against the
        tenant's people reads (a tenant's users number in the hundreds, not in pages)."""
        with self._reading() as session:
            query = select(UserRow).where(UserRow.tenant_id == tenant_id).order_by(col(UserRow.username))
            return list(session.exec(query).all())

    def update_user(self, user_id: int, *, keep_role: str | None = None, **changes: Any) -> UserRow | None:
        """Set the given columns (`password_hash`, `roles`, `approver_roles`, `display_name`, `disabled`,
        `last_login_at`). With `keep_role`, a change that would leave the user's tenant with no enabled user
        holding that role is refused (`LastRoleHolder`) and nothing changes; the tenant's row is locked while
        it is checked, so two such changes in two transactions cannot both pass."""
        allowed = {"password_hash", "roles", "approver_roles", "display_name", "disabled", "last_login_at"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"not a user column that may change: {sorted(unknown)}")
        with self._session() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                return None
            if keep_role is not None:
                self._keep_a_holder(session, row, keep_role, changes)
            for name, value in changes.items():
                setattr(row, name, list(value) if name in ("roles", "approver_roles") else value)
            session.add(row)
            if changes.get("disabled") or "password_hash" in changes:
                self._end_sessions(session, row.id)
            if changes.get("disabled"):  # for good: enabling the user again does not bring them back
                session.execute(sa.delete(ApiTokenRow).where(col(ApiTokenRow.user_id) == row.id))
            session.commit()
            session.refresh(row)
            return row

    @staticmethod
    def _keep_a_holder(session: Session, row: UserRow, role: str, changes: dict[str, Any]) -> None:
        holds_now = role in row.roles and not row.disabled
        holds_after = role in changes.get("roles", row.roles) and not changes.get("disabled", row.disabled)
        if not holds_now or holds_after:
            return
        session.exec(select(TenantRow.id).where(TenantRow.id == row.tenant_id).with_for_update()).first()
        others = session.exec(select(UserRow).where(
            UserRow.tenant_id == row.tenant_id, col(UserRow.id) != row.id, col(UserRow.disabled).is_(False))).all()
        if not any(role in other.roles for other in others):
            raise LastRoleHolder(row.username, row.tenant_id, role)

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
        with self._reading() as session:
            return session.get(SessionRow, id_hash)

    def forget_expired_session(self, id_hash: str) -> None:
        """Delete an expired session found when signing a request in — unless another connection is writing to
        the database: the request does not wait for that (the session is refused either way; the housekeeping
        purges it later)."""
        with writing_if_free(self._engine) as connection:
            if connection is not None:
                connection.execute(sa.delete(SessionRow).where(col(SessionRow.id_hash) == id_hash))

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
        with self._reading() as session:
            return session.exec(select(ApiTokenRow).where(ApiTokenRow.token_hash == token_hash)).first()

    def touch_token(self, token_id: str, at: datetime | None = None) -> bool:
        """Record when the token was last used — unless another connection is writing to the database (SQLite's
        write lock is taken): a request authenticated by the token does not wait for that; a later one records
        it. False when skipped."""
        with writing_if_free(self._engine) as connection:
            if connection is None:
                return False
            connection.execute(
                sa.update(ApiTokenRow).where(col(ApiTokenRow.id) == token_id).values(last_used_at=at or utc_now())
            )
            return True

    def list_tokens(self, user_id: int, *, limit: int = 500, offset: int = 0) -> tuple[list[ApiTokenRow], int]:
        with self._reading() as session:
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
