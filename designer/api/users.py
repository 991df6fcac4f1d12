"""Users of the admin's tenant (admin only)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter
from litestar.status_codes import HTTP_201_CREATED

from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.schemas.accounts import UserCreate, UserRead, UserUpdate
from designer.schemas.pagination import Page, PageParams
from designer.security.accounts import AccountService
from designer.security.guards import requires
from designer.security.principal import Principal

__all__ = ["UserController"]

Username = Annotated[str, PathParameter(max_length=64, description="The login name.")]


class UserController(Controller):
    path = "/api/users"
    tags = ("users",)
    middleware = (refuse_undeclared_query_parameters,)
    opt = requires("admin")

    @get("/", summary="Users of my tenant", sync_to_thread=True)
    def list_users(
        self,
        me: NamedDependency[Principal],
        accounts: NamedDependency[AccountService],
        page: NamedDependency[PageParams],
    ) -> Page[UserRead]:
        rows, total = accounts.list_users(me.tenant, limit=page.limit, offset=page.offset)
        return page.page([UserRead.of(r) for r in rows], total)

    @post("/", status_code=HTTP_201_CREATED, summary="Create a user in my tenant", sync_to_thread=True)
    def create_user(
        self, data: JSONBody[UserCreate], me: NamedDependency[Principal], accounts: NamedDependency[AccountService]
    ) -> UserRead:
        row = accounts.add_user(
            data.username,
            data.password,
            roles=data.roles,
            tenant=me.tenant,
            approver_roles=data.approver_roles,
            display_name=data.display_name,
        )
        return UserRead.of(row)

    @get("/{username:str}", summary="One user", sync_to_thread=True)
    def get_user(
        self,
        username: Username,
        me: NamedDependency[Principal],
        accounts: NamedDependency[AccountService],
    ) -> UserRead:
        return UserRead.of(accounts.get_user(username, tenant=me.tenant))

    @patch("/{username:str}", summary="Change a user's password, roles or status", sync_to_thread=True)
    def update_user(
        self,
        username: Username,
        data: JSONBody[UserUpdate],
        me: NamedDependency[Principal],
        accounts: NamedDependency[AccountService],
    ) -> UserRead:
        row = accounts.update_user(
            username,
            tenant=me.tenant,
            password=data.password,
            roles=data.roles,
            approver_roles=data.approver_roles,
            display_name=data.display_name,
            disabled=data.disabled,
        )
        return UserRead.of(row)
