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
from designer.security.accounts import AccountService, Unchanged
from designer.security.guards import requires
from designer.security.principal import Principal
from engine.errors import InvalidInput

__all__ = ["UserController"]

Username = Annotated[str, PathParameter(max_length=64, description="The login name.")]
# Every user has these; `display_name` alone may be null (no display name).
_NEVER_NULL = ("password", "roles", "approver_roles", "disabled")


def _refuse_nulls(data: UserUpdate) -> None:
    """A field sent as `null` that every user has is a 422 naming it, not taken as "keep it": a client that sent
    `"disabled": null` or `"roles": null` meaning a change would be answered 200 with nothing changed. (The model
    types these fields nullable, a field left out being None, so the document takes the null: a 422, not a 400.)"""
    nulls = [name for name in _NEVER_NULL if name in data.model_fields_set and getattr(data, name) is None]
    if nulls:
        fields = ", ".join(f"/{name}" for name in nulls)
        raise InvalidInput(
            f"body {fields}: null is no value for {'this field' if len(nulls) == 1 else 'these fields'}: every "
            "user has one; leave a field out to keep it as it is (only display_name may be null, which removes "
            "the display name)")


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
        _refuse_nulls(data)
        row = accounts.update_user(
            username,
            tenant=me.tenant,
            password=data.password,
            roles=data.roles,
            approver_roles=data.approver_roles,
            display_name=data.display_name if "display_name" in data.model_fields_set else Unchanged.KEEP,
            disabled=data.disabled,
        )
        return UserRead.of(row)
