"""Liveness: answers without signing in."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version

from litestar import get
from pydantic import BaseModel

from designer.api._query_parameters import refuse_undeclared_query_parameters

__all__ = ["Health", "health"]


@cache  # reading the installed distribution's metadata costs about a millisecond: once a process
def _version() -> str:
    try:
        return version("statewright")
    except PackageNotFoundError:
        return "0+unknown"


class Health(BaseModel):
    status: str
    version: str


@get("/api/health", opt={"exclude_from_auth": True}, tags=["health"], security=[], sync_to_thread=False,
     middleware=[refuse_undeclared_query_parameters])
def health() -> Health:
    return Health(status="ok", version=_version())
