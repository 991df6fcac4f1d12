"""Liveness and readiness, answered without signing in: `/api/health` says the process serves requests;
`/api/ready` also asks the database, so that a load balancer or an orchestrator sends no traffic to a designer
whose database does not answer (503 `storage-error` with the database's reason, as any request would get) — or
whose SQLite file was deleted or replaced under it, where every write is lost though the database answers — or
one of whose in-process workers stopped by itself (503 `workers-stopped`): instances no longer move there."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version

from litestar import get
from litestar.datastructures import State
from pydantic import BaseModel

from designer._lifecycle import Workers
from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.errors import WorkersStopped
from engine.database import file_replaced
from engine.errors import StorageError
from engine.runtime.engine import Engine

__all__ = ["Health", "health", "ready"]


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


@get("/api/ready", opt={"exclude_from_auth": True}, tags=["health"], security=[], sync_to_thread=True,
     middleware=[refuse_undeclared_query_parameters],
     summary="Readiness: 200 when the database answers and the server's workers run, else 503 storage-error "
             "with the database's reason, or workers-stopped")
def ready(state: State) -> Health:
    engine: Engine = state["engine"]
    replaced = file_replaced(engine.database)
    if replaced is not None:
        raise StorageError(replaced)
    engine.ping()
    workers: Workers | None = state.get("workers")
    stopped = None if workers is None else workers.stopped()
    if stopped is not None:
        raise WorkersStopped(stopped)
    return Health(status="ready", version=_version())
