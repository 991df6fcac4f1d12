"""Authentication for every `/api` request: a bearer token, or the session cookie plus its CSRF token; then the
permission the handler names (`designer.security.guards.requires`)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from anyio import to_thread
from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from designer.errors import CsrfRefused, Unauthenticated
from designer.security.accounts import AccountService
from designer.security.guards import check_permission
from designer.security.principal import AuthMethod, Principal

__all__ = ["CSRF_COOKIE", "CSRF_HEADER", "SESSION_COOKIE", "AuthInfo", "AuthMiddleware"]

SESSION_COOKIE = "sw_session"
CSRF_COOKIE = "sw_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class AuthInfo:
    method: AuthMethod
    session_id: str | None = None


class AuthMiddleware(AbstractAuthenticationMiddleware):
    """Bearer first (API clients); otherwise the session cookie, with the CSRF check on unsafe methods. A caller
    without the permission the handler names is refused (403) here, once known."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:  # type: ignore[type-arg]
        principal, auth = await self._authenticate(connection)
        check_permission(principal, connection.route_handler.opt)
        return AuthenticationResult(user=principal, auth=auth)

    @staticmethod
    async def _authenticate(connection: ASGIConnection) -> tuple[Principal, AuthInfo]:  # type: ignore[type-arg]
        accounts: AccountService = connection.app.state["accounts"]
        header = connection.headers.get("authorization")
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
            token = token.strip()
            # a token seen in the last seconds needs no thread hop (it would queue behind busy handlers)
            principal = accounts.remembered_token(token) or await to_thread.run_sync(
                accounts.authenticate_token, token
            )
            if principal is None:
                raise Unauthenticated("the bearer token is unknown, expired or revoked")
            return principal, AuthInfo("token")
        session_id = connection.cookies.get(SESSION_COOKIE)
        if not session_id:
            raise Unauthenticated("sign in first (POST /api/auth/login) or send a bearer token")
        found = accounts.remembered_session(session_id) or await to_thread.run_sync(
            accounts.authenticate_session, session_id
        )
        if found is None:
            raise Unauthenticated("the session has expired; sign in again")
        principal, csrf_token = found
        if connection.scope.get("method", "GET") not in SAFE_METHODS:
            sent = connection.headers.get(CSRF_HEADER, "")
            if not sent or not hmac.compare_digest(sent.encode(), csrf_token.encode()):
                raise CsrfRefused(
                    "cookie-authenticated changes need the header X-CSRF-Token equal to the sw_csrf cookie"
                )
        return principal, AuthInfo("session", session_id)
