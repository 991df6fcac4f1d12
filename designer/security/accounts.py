"""Accounts as the designer uses them: users and roles, login with throttling, sessions, API tokens.

Secrets (session ids, API tokens) are random and only their SHA-256 is stored; passwords are argon2id hashes.
A short in-process cache keeps a hot bearer token or session from costing two queries per request; every
change made through this service drops the cache entries it affects, and the TTL bounds staleness for changes
made by another process (the CLI).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Literal

from designer.errors import AccountConflict, LastAdmin, NotFound, Unauthenticated
from designer.security.login_throttle import LoginThrottle, ThrottlePolicy
from designer.security.passwords import PasswordPolicyError, hash_password, needs_rehash, verify_password
from designer.security.principal import Principal
from designer.security.roles import ROLES
from designer.store.accounts import AccountStore, ApiTokenRow, DuplicateAccount, LastRoleHolder, UserRow
from engine.errors import InvalidInput

__all__ = ["AccountService", "LoginOutcome", "ThrottlePolicy", "TokenIssued", "Unchanged"]

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@\-]{1,64}$")
TENANT_RE = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
APPROVER_ROLE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,127}$")
TOKEN_PREFIX = "sw_"  # noqa: S105 - a public marker, not a secret
_CACHE_TTL_S = 5.0


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Unchanged(Enum):
    """`update_user(display_name=...)` left out: the display name is kept (`None` removes it)."""

    KEEP = "keep"


@dataclass(frozen=True)
class LoginOutcome:
    principal: Principal
    session_id: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class TokenIssued:
    row: ApiTokenRow
    token: str


@dataclass(frozen=True)
class _Cached:
    principal: Principal
    csrf_token: str | None
    until: float


def principal_of(row: UserRow) -> Principal:
    assert row.id is not None
    return Principal(
        user_id=row.id,
        username=row.username,
        tenant=row.tenant_id,
        roles=tuple(row.roles),
        approver_roles=tuple(row.approver_roles),
        display_name=row.display_name,
    )


def _check_roles(roles: Sequence[str], approver_roles: Sequence[str]) -> None:
    if not roles:
        raise InvalidInput("a user needs at least one role")
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise InvalidInput(f"unknown role(s) {unknown}; the roles are {list(ROLES)}")
    bad = [r for r in approver_roles if not APPROVER_ROLE_RE.match(r)]
    if bad:
        raise InvalidInput(f"approver roles are identifiers (letters, digits, '_', '-'): {bad}")


class AccountService:
    def __init__(
        self,
        store: AccountStore,
        *,
        session_ttl: timedelta = timedelta(hours=12),
        throttle: ThrottlePolicy | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._session_ttl = session_ttl
        self._throttle = throttle or ThrottlePolicy()
        self._clock = clock
        self._login_throttle = LoginThrottle(store.engine, self._throttle, clock)
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()

    # users
    def add_user(
        self,
        username: str,
        password: str,
        *,
        roles: Sequence[str],
        tenant: str,
        approver_roles: Sequence[str] = (),
        display_name: str | None = None,
    ) -> UserRow:
        if not USERNAME_RE.match(username):
            raise InvalidInput("a username is 1 to 64 letters, digits or '_', '.', '@', '-'")
        if not username.strip("."):
            # '.' and '..' are path steps: a client (a browser, curl, httpx) resolves /api/users/.. to /api/, so
            # such a user could never be read or changed by name
            raise InvalidInput(f"username: '{username}' is only dots; a username needs a letter, a digit or one of "
                               "'_', '@', '-' (a name of dots reads as a step of the path /api/users/{username})")
        if not TENANT_RE.match(tenant):
            raise InvalidInput("a tenant is 1 to 64 letters, digits, '_' or '-'")
        _check_roles(roles, approver_roles)
        try:
            password_hash = hash_password(password)
        except PasswordPolicyError as exc:
            raise InvalidInput(str(exc)) from exc
        try:
            return self._store.add_user(
                username=username,
                tenant_id=tenant,
                password_hash=password_hash,
                roles=list(dict.fromkeys(roles)),
                approver_roles=list(dict.fromkeys(approver_roles)),
                display_name=display_name,
            )
        except DuplicateAccount as exc:
            raise AccountConflict(str(exc)) from exc

    def get_user(self, username: str, *, tenant: str | None = None) -> UserRow:
        row = self._store.get_user(username)
        if row is None or (tenant is not None and row.tenant_id != tenant):
            raise NotFound(f"no user '{username}'")
        return row

    def find_user(self, username: str) -> UserRow | None:
        return self._store.get_user(username)

    def list_users(self, tenant: str | None, *, limit: int = 500, offset: int = 0) -> tuple[list[UserRow], int]:
        return self._store.list_users(tenant, limit=limit, offset=offset)

    def update_user(
        self,
        username: str,
        *,
        tenant: str | None = None,
        password: str | None = None,
        roles: Sequence[str] | None = None,
        approver_roles: Sequence[str] | None = None,
        display_name: str | Literal[Unchanged.KEEP] | None = Unchanged.KEEP,
        disabled: bool | None = None,
    ) -> UserRow:
        """Change what is given; `None` keeps a field as it is, but for `display_name`, which may be `None`."""
        current = self.get_user(username, tenant=tenant)
        changes: dict[str, object] = {}
        if roles is not None or approver_roles is not None:
            _check_roles(
                roles if roles is not None else current.roles,
                approver_roles if approver_roles is not None else current.approver_roles,
            )
        if password is not None:
            try:
                changes["password_hash"] = hash_password(password)
            except PasswordPolicyError as exc:
                raise InvalidInput(str(exc)) from exc
        for name, value in (
            ("roles", roles),
            ("approver_roles", approver_roles),
            ("disabled", disabled),
        ):
            if value is not None:
                changes[name] = list(dict.fromkeys(value)) if name.endswith("roles") else value  # type: ignore[arg-type]
        if display_name is not Unchanged.KEEP:
            changes["display_name"] = display_name
        assert current.id is not None
        try:
            updated = self._store.update_user(current.id, keep_role="admin", **changes)
        except LastRoleHolder as exc:
            raise LastAdmin(
                f"'{exc.username}' is the last enabled admin of tenant '{exc.tenant_id}': "
                f"{'disabling them' if disabled else 'taking their admin role'} would leave nobody who can manage "
                "its users; make another user admin first") from exc
        if updated is None:
            raise NotFound(f"no user '{username}'")
        self._forget_user(current.username)
        return updated

    # login, sessions
    def login(self, username: str, password: str, *, remote: str | None = None) -> LoginOutcome:
        now = self._clock()
        ticket = self._login_throttle.admit(username, remote)
        succeeded: bool | None = None  # None: the check did not finish (the database failed): nothing recorded
        try:
            row = self._store.get_user(username) if USERNAME_RE.match(username) else None
            ok = verify_password(row.password_hash if row else None, password)
            succeeded = row is not None and ok and not row.disabled
            if not succeeded:
                raise Unauthenticated("wrong username or password")
        finally:
            if succeeded is None:
                self._login_throttle.release(ticket)
            else:
                self._login_throttle.settle(ticket, succeeded=succeeded)
        assert row is not None
        assert row.id is not None
        if needs_rehash(row.password_hash):
            self._store.update_user(row.id, password_hash=hash_password(password))
        session_id = secrets.token_urlsafe(32)
        csrf_token = secrets.token_urlsafe(32)
        expires_at = now + self._session_ttl
        self._store.add_session(
            id_hash=_digest(session_id), user_id=row.id, csrf_token=csrf_token, expires_at=expires_at
        )
        return LoginOutcome(principal_of(row), session_id, csrf_token, expires_at)

    def logout(self, session_id: str) -> None:
        digest = _digest(session_id)
        self._store.delete_session(digest)
        with self._lock:
            self._cache.pop("s:" + digest, None)

    def authenticate_session(self, session_id: str) -> tuple[Principal, str] | None:
        """The session's user and its CSRF token, or None when the session is unknown, expired or disabled."""
        remembered = self.remembered_session(session_id)
        if remembered is not None:
            return remembered
        digest = _digest(session_id)
        row = self._store.get_session(digest)
        if row is None:
            return None
        if row.expires_at <= self._clock():
            self._store.forget_expired_session(digest)
            return None
        user = self._store.get_user_by_id(row.user_id)
        if user is None or user.disabled:
            return None
        principal = principal_of(user)
        self._remember("s:" + digest, _Cached(principal, row.csrf_token, time.monotonic() + _CACHE_TTL_S))
        return principal, row.csrf_token

    # API tokens
    def create_token(self, principal: Principal, name: str, *, expires_in_days: int | None = None) -> TokenIssued:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires_at = self._clock() + timedelta(days=expires_in_days) if expires_in_days else None
        row = self._store.add_token(
            token_id=secrets.token_hex(8),
            user_id=principal.user_id,
            name=name,
            prefix=token[: len(TOKEN_PREFIX) + 4],
            token_hash=_digest(token),
            expires_at=expires_at,
        )
        return TokenIssued(row, token)

    def remembered_token(self, token: str) -> Principal | None:
        """The token's principal when `authenticate_token` vouched for it in the last few seconds (no database
        read, so the event loop may call it); None means: call `authenticate_token`."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        cached = self._cached("t:" + _digest(token))
        return cached.principal if cached is not None else None

    def remembered_session(self, session_id: str) -> tuple[Principal, str] | None:
        """The session's user and CSRF token when `authenticate_session` vouched for them in the last few
        seconds (no database read); None means: call `authenticate_session`."""
        cached = self._cached("s:" + _digest(session_id))
        if cached is not None and cached.csrf_token is not None:
            return cached.principal, cached.csrf_token
        return None

    def authenticate_token(self, token: str) -> Principal | None:
        remembered = self.remembered_token(token)
        if remembered is not None:
            return remembered
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        digest = _digest(token)
        row = self._store.find_token(digest)
        if row is None or not hmac.compare_digest(row.token_hash, digest):
            return None
        now = self._clock()
        if row.expires_at is not None and row.expires_at <= now:
            return None
        user = self._store.get_user_by_id(row.user_id)
        if user is None or user.disabled:
            return None
        if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
            self._store.touch_token(row.id, now)
        principal = principal_of(user)
        self._remember("t:" + digest, _Cached(principal, None, time.monotonic() + _CACHE_TTL_S))
        return principal

    def list_tokens(self, principal: Principal, *, limit: int, offset: int) -> tuple[list[ApiTokenRow], int]:
        return self._store.list_tokens(principal.user_id, limit=limit, offset=offset)

    def delete_token(self, principal: Principal, token_id: str) -> None:
        if not self._store.delete_token(principal.user_id, token_id):
            raise NotFound(f"no token '{token_id}'")
        self._forget_user(principal.username)

    def housekeeping(self) -> None:
        """Forget expired sessions and login attempts older than the throttling window."""
        now = self._clock()
        self._store.purge_expired_sessions(now)
        self._store.purge_login_attempts(now - self._throttle.window)

    # the cache
    def _cached(self, key: str) -> _Cached | None:
        with self._lock:
            entry = self._cache.get(key)
            if entry is None or entry.until < time.monotonic():
                self._cache.pop(key, None)
                return None
            return entry

    def _remember(self, key: str, entry: _Cached) -> None:
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = entry

    def _forget_user(self, username: str) -> None:
        with self._lock:
            for key in [k for k, v in self._cache.items() if v.principal.username == username]:
                del self._cache[key]
