"""The sandbox integrations: what the shipped flows' tools wrote (contacts, meetings, emails, tickets…), listed.

The sandbox is one demo integration shared by the deployment: its rows have no tenant, so every signed-in user
sees the same records, whatever their tenant.
"""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import PathParameter
from pydantic import BaseModel, Field

from agents.tools.sandbox.queries import SANDBOX_COLLECTIONS, UnknownCollection, count_sandbox_rows, list_sandbox_rows
from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.errors import NotFound
from designer.schemas.pagination import PageParams
from designer.security.guards import requires

__all__ = ["SandboxCollectionRead", "SandboxController", "SandboxOverview", "SandboxRecords"]

_SHARED = (
    "The sandbox is a demo integration shared by the whole deployment: its records have no tenant, so every "
    "signed-in user sees the same ones."
)
_NAMES = ", ".join(SANDBOX_COLLECTIONS)

Collection = Annotated[str, PathParameter(max_length=32, description=f"The collection: one of {_NAMES}.")]


class SandboxCollectionRead(BaseModel):
    name: str = Field(description=f"The collection's name in /api/sandbox/{{collection}}: one of {_NAMES}.")
    title: str = Field(description="What the collection holds, in words.")
    count: int = Field(description="How many records it holds.")
    fields: list[str] = Field(description="The fields of each of its records.")


class SandboxOverview(BaseModel):
    collections: list[SandboxCollectionRead]


class SandboxRecords(BaseModel):
    """A page of one collection's records (the shape of every list endpoint's page, with the collection)."""

    collection: str
    items: list[dict[str, Any]] = Field(
        description="The records, newest first: each has the fields `GET /api/sandbox` lists for the collection."
    )
    total: int
    limit: int
    offset: int


class SandboxController(Controller):
    path = "/api/sandbox"
    tags = ("sandbox",)
    middleware = (refuse_undeclared_query_parameters,)
    opt = requires("read")

    @get(
        "/",
        summary="The sandbox collections with their record counts",
        description=_SHARED,
        sync_to_thread=True,
    )
    def collections(self, database: NamedDependency[sa.Engine]) -> SandboxOverview:
        counts = count_sandbox_rows(database)
        return SandboxOverview(
            collections=[
                SandboxCollectionRead(name=name, title=c.title, count=counts[name], fields=c.fields)
                for name, c in SANDBOX_COLLECTIONS.items()
            ]
        )

    @get(
        "/{collection:str}",
        summary="One sandbox collection's records, newest first",
        description=f"{_SHARED} Each record has the fields `GET /api/sandbox` lists for its collection; times "
        "are RFC 3339 strings. An unknown collection is a 404.",
        sync_to_thread=True,
    )
    def records(
        self, collection: Collection, database: NamedDependency[sa.Engine], page: NamedDependency[PageParams]
    ) -> SandboxRecords:
        try:
            found = list_sandbox_rows(database, collection, limit=page.limit, offset=page.offset)
        except UnknownCollection as exc:
            raise NotFound(str(exc)) from exc
        return SandboxRecords(
            collection=collection, items=found.rows, total=found.total, limit=page.limit, offset=page.offset
        )
