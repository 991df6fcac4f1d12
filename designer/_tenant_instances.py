"""What the instance handlers are given: the caller, the engine and the designer's database in one dependency,
with the tenant check and the reply every change answers with.

One dependency, not three: Litestar resolves the dependencies of a handler that needs several of them
concurrently, in an anyio task group per request (a task each), which cost the send-event request more CPU than
the handler's own work; one is awaited directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from anyio import to_thread
from litestar import Request, Response
from litestar.datastructures import State

from designer.highlighting import tenant_instance
from designer.instance_detail import instance_detail_of
from designer.internal_instances import internal_instance_words, internal_redrive_words
from designer.replayed_answers import REPLAYED_HEADER
from designer.schemas.instance_detail import InstanceDetail
from designer.schemas.instances import InstanceSummary
from designer.security.guards import principal_of_connection
from designer.security.principal import Principal
from engine.errors import InstanceNotFound, RedriveRefused
from engine.read_models.definitions import DefinitionCatalog
from engine.runtime.commands import Command
from engine.runtime.engine import Engine
from engine.runtime.loop_writes import LoopBatches
from engine.runtime.views import InstanceView

__all__ = ["REPLAYED_HEADER", "Reply", "TenantInstances", "provide_tenant_instances", "wants_minimal"]

Reply = Response[InstanceDetail | InstanceSummary]
_MINIMAL_APPLIED = {"Preference-Applied": "return=minimal"}


def wants_minimal(prefer: str | None) -> bool:
    """Whether a `Prefer` header asks for `return=minimal` (preferences are comma-separated, case-insensitive,
    and may carry `;` parameters)."""
    if not prefer:
        return False
    return any(p.split(";", 1)[0].replace(" ", "").lower() == "return=minimal" for p in prefer.split(","))


@dataclass(frozen=True, slots=True)
class TenantInstances:
    """The instances of the caller's tenant, as the caller may act on them."""

    me: Principal
    engine: Engine
    database: sa.Engine  # the designer's pool: the detail's approvals are read through it
    catalog: DefinitionCatalog  # the deployed definitions: the titles of the detail's approvals
    batches: LoopBatches  # where the starts and sends of requests that arrive together are written together

    def own(self, instance_id: str, *, redriving: bool = False) -> InstanceView:
        """The instance, when it is the caller's tenant's; any other is reported as not existing. One of the
        tenant's map items or parallel branches, which the API reads through their parent, is not found either,
        but the problem says where it is read (`redriving`: a `409 redrive-refused` naming the one to redrive)."""
        found = tenant_instance(self.engine, instance_id, self.me.tenant, internal=True)
        if found.branch and redriving:
            raise RedriveRefused(found.id, found.state, internal_redrive_words(self.engine, self.database, found))
        if found.branch:
            raise InstanceNotFound(internal_instance_words(self.engine, self.database, found))
        return found

    def change(self, instance_id: str, act: Callable[[str], InstanceView], *,
               redriving: bool = False) -> InstanceDetail:
        """Act on one of the tenant's instances (`act` is given its id once the tenant check has passed); its
        detail afterwards."""
        self.own(instance_id, redriving=redriving)
        return self.detail(act(instance_id))

    def detail(self, view: InstanceView) -> InstanceDetail:
        return instance_detail_of(self.engine, self.database, self.catalog, view)

    async def command(self, command: Command[InstanceView], prefer: str | None, status: int) -> Reply:
        """Make an engine command (`LoopBatches`: on the loop's thread when SQLite's writer is free, with the
        commands of the requests that arrived with it); the instance after it: its summary when `Prefer:
        return=minimal` asks (saving the reads of history, timers and approvals, and saying so in
        `Preference-Applied`), else its detail, read in a worker thread; with `Idempotent-Replayed: true` when the
        engine answered a repeated idempotency key with the first answer."""
        view = await self.batches.make(command)
        replayed = {REPLAYED_HEADER: "true"} if view.replayed else None
        if wants_minimal(prefer):
            headers = _MINIMAL_APPLIED if replayed is None else {**_MINIMAL_APPLIED, **replayed}
            return Response(InstanceSummary.of(view), status_code=status, headers=headers)
        return Response(await to_thread.run_sync(self.detail, view), status_code=status, headers=replayed)


def provide_tenant_instances(request: Request[Any, Any, Any], state: State) -> TenantInstances:
    return TenantInstances(principal_of_connection(request), state["engine"], state["database"], state["catalog"],
                           state["batches"])
