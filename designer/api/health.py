"""Liveness and readiness, answered without signing in: `/api/health` says the process serves requests;
`/api/ready` also asks the database, so that a load balancer or an orchestrator sends no traffic to a designer
whose database does not answer (503 `storage-error`) — or whose SQLite file was deleted or replaced under it, where
every write is lost though the database answers — or one of whose in-process workers stopped by itself (503
`workers-stopped`): instances no longer move there.

Anyone may ask, so a 503 says only that the server is not ready and which check failed: the database's reason
names its host, its file or its driver's words, which are for the operator. The reason goes to the server's log,
under the request's id (designer/_request_ids.py), which the detail names.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from litestar import Request, Response, get
from litestar.datastructures import State
from pydantic import BaseModel

from designer._lifecycle import Workers
from designer._problems import STORAGE_RETRY_AFTER_S, problem_response
from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.errors import WorkersStopped
from engine.database import file_replaced
from engine.errors import StorageError
from engine.log_format import current_request_id
from engine.runtime.engine import Engine

__all__ = ["Health", "health", "ready"]

_log = logging.getLogger("statewright.designer")


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


def _not_ready(request: Request[Any, Any, Any], exc: StorageError | WorkersStopped) -> Response[dict[str, Any]]:
    """The failed check's problem, its reason logged (once: the app's handler of the same errors is not run)."""
    database = isinstance(exc, StorageError)
    check = "database" if database else "workers"
    _log.error("not ready: the %s check failed: %s", check, exc.detail)
    return problem_response(
        request, status=exc.status, slug="storage-error" if database else WorkersStopped.slug, title=exc.title,
        detail=f"not ready: the {check} check failed; the server's log has the reason, under request id "
               f"{current_request_id.get() or 'unknown'}",
        headers={"Retry-After": str(STORAGE_RETRY_AFTER_S)} if database else None,
    )


@get("/api/ready", opt={"exclude_from_auth": True}, tags=["health"], security=[], sync_to_thread=True,
     middleware=[refuse_undeclared_query_parameters],
     exception_handlers={StorageError: _not_ready, WorkersStopped: _not_ready},
     summary="Readiness: 200 when the database answers and the server's workers run, else 503 storage-error "
             "(the reason in the server's log, under the request id the detail names) or workers-stopped")
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
