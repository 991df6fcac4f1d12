"""Login, logout and the current user; API tokens of the current user."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.errors import NoSession
from designer.schemas.accounts import LoginRequest, MeRead, TokenCreate, TokenIssuedRead, TokenRead
from designer.schemas.pagination import Page, PageParams
from designer.security.accounts import AccountService
from designer.security.middleware import CSRF_COOKIE, SESSION_COOKIE, AuthInfo
from designer.security.principal import Principal
from designer.settings import Settings

__all__ = ["AuthController"]

TokenId = Annotated[str, PathParameter(max_length=64, description="The token's id.")]


def _cookies(
    request: Request[Any, Any, Any], settings: Settings, session_id: str, csrf_token: str, max_age: int
) -> list[Cookie]:
    """The session and CSRF cookies; `Secure` when configured (`serve --secure-cookies`) or served over TLS."""
    secure = settings.secure_cookies or request.url.scheme == "https"
    common: dict[str, Any] = {"path": "/", "samesite": "lax", "secure": secure, "max_age": max_age}
    return [
        Cookie(key=SESSION_COOKIE, value=session_id, httponly=True, **common),
        Cookie(key=CSRF_COOKIE, value=csrf_token, httponly=False, **common),
    ]


class AuthController(Controller):
    path = "/api/auth"
    tags = ("auth",)
    middleware = (refuse_undeclared_query_parameters,)

    @post(
        "/login",
        status_code=HTTP_200_OK,
        opt={"exclude_from_auth": True},
        sync_to_thread=True,
        summary="Sign in: sets the session cookie and the readable CSRF cookie",
        security=[],
    )
    def login(
        self,
        data: JSONBody[LoginRequest],
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountService],
        settings: NamedDependency[Settings],
    ) -> Response[MeRead]:
        remote = request.client.host if request.client else None
        outcome = accounts.login(data.username, data.password, remote=remote)
        # The session the browser carried ends, whoever's it was: signing in as B must not leave A's session alive
        # beside it (a cookie set before sign-in, or kept by another tab, would still act as A). A failed sign-in
        # raised above and ends nothing.
        carried = request.cookies.get(SESSION_COOKIE)
        if carried:
            accounts.logout(carried)
        max_age = int(settings.session_ttl.total_seconds())
        return Response(
            MeRead.of(outcome.principal),
            cookies=_cookies(request, settings, outcome.session_id, outcome.csrf_token, max_age),
        )

    @post("/logout", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True,
          summary="Sign out: end the browser session (409 no-session for a bearer token)")
    def logout(
        self,
        request: Request[Principal, AuthInfo, Any],
        accounts: NamedDependency[AccountService],
        settings: NamedDependency[Settings],
    ) -> Response[None]:
        if request.auth.method != "session":
            raise NoSession(
                "logout ends a browser session, and this request has none: it is authenticated by a bearer token, "
                "which logout does not touch; to revoke the token, DELETE /api/auth/tokens/{token_id} (GET "
                "/api/auth/tokens lists your tokens and their ids)")
        if request.auth.session_id:
            accounts.logout(request.auth.session_id)
        return Response(None, status_code=HTTP_204_NO_CONTENT, cookies=_cookies(request, settings, "", "", 0))

    @get("/me", summary="The signed-in user, roles and permissions", sync_to_thread=False)
    def me(self, me: NamedDependency[Principal]) -> MeRead:
        return MeRead.of(me)

    @get("/tokens", summary="My API tokens", sync_to_thread=True)
    def list_tokens(
        self,
        me: NamedDependency[Principal],
        accounts: NamedDependency[AccountService],
        page: NamedDependency[PageParams],
    ) -> Page[TokenRead]:
        rows, total = accounts.list_tokens(me, limit=page.limit, offset=page.offset)
        return page.page([TokenRead.of(r) for r in rows], total)

    @post("/tokens", status_code=HTTP_201_CREATED, summary="Create an API token (shown once)", sync_to_thread=True)
    def create_token(
        self, data: JSONBody[TokenCreate], me: NamedDependency[Principal], accounts: NamedDependency[AccountService]
    ) -> TokenIssuedRead:
        issued = accounts.create_token(me, data.name, expires_in_days=data.expires_in_days)
        return TokenIssuedRead(**TokenRead.of(issued.row).model_dump(), token=issued.token)

    @delete(
        "/tokens/{token_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Revoke one of my tokens",
        sync_to_thread=True,
    )
    def delete_token(
        self,
        token_id: TokenId,
        me: NamedDependency[Principal],
        accounts: NamedDependency[AccountService],
    ) -> None:
        accounts.delete_token(me, token_id)
