"""The live workers of the designer's database (operators): each `statewright worker`, `statewright serve` and
`Engine.run_worker` loop that is running, with the actions it has handlers for — what a publish here counts besides
the designer's own handlers (`engine.runtime.live_workers`).

Workers are the deployment's, not a tenant's: every tenant's operators see the same list, as `statewright workers`
prints it."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get
from litestar.di import NamedDependency
from pydantic import BaseModel, Field

from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.security.guards import requires
from engine.runtime.clock import to_datetime
from engine.runtime.engine import Engine
from engine.runtime.live_workers import LiveWorker, live_workers

__all__ = ["WorkerController", "WorkerRead"]


class WorkerRead(BaseModel):
    owner: str = Field(description="The worker's name: the lease owner its jobs are claimed under (host:pid:id).")
    host: str
    pid: int
    started_at: datetime
    last_seen: datetime = Field(description="Its latest heartbeat; one not seen for three heartbeats is gone.")
    actions: list[str] = Field(description="The actions it has handlers for, sorted.")

    @classmethod
    def of(cls, worker: LiveWorker) -> WorkerRead:
        return cls(owner=worker.owner, host=worker.host, pid=worker.pid, started_at=to_datetime(worker.started_at),
                   last_seen=to_datetime(worker.last_seen), actions=list(worker.actions))


class WorkerController(Controller):
    path = "/api/workers"
    tags = ("workers",)
    middleware = (refuse_undeclared_query_parameters,)
    opt = requires("operate")

    @get("/", summary="The live workers, the longest-running first, with the actions each has handlers for",
         sync_to_thread=True)
    def list_workers(self, engine: NamedDependency[Engine]) -> list[WorkerRead]:
        return [WorkerRead.of(w) for w in live_workers(engine.runtime)]
