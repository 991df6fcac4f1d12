"""`AsyncEngine`: the same API as `Engine`, as coroutines. One core: each call runs the synchronous engine in
a worker thread (`asyncio.to_thread`), so an event loop is never blocked by the database or a handler."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, overload

from engine.notifications.settings import NotificationSettings
from engine.runtime.actions import H, HandlerRegistry
from engine.runtime.agents import AgentSource
from engine.runtime.clock import Clock
from engine.runtime.deployments import DefinitionSource
from engine.runtime.engine import Engine
from engine.runtime.heartbeat import DEFAULT_HEARTBEAT_S
from engine.runtime.memory import AsyncSharedMemory
from engine.runtime.migration import MigrationReport
from engine.runtime.views import (
    ApprovalView,
    DeployedAgentRef,
    DeployedRef,
    HistoryEntry,
    InstanceView,
    PublishResult,
    ReplayReport,
)

__all__ = ["AsyncEngine"]


class AsyncEngine:
    def __init__(self, database_url: str | None = None, *, clock: Clock | None = None,
                 handlers: HandlerRegistry | None = None, heartbeat_s: float = DEFAULT_HEARTBEAT_S,
                 migrate: bool = True, notifications: NotificationSettings | None = None) -> None:
        self.engine = Engine(database_url, clock=clock, handlers=handlers, heartbeat_s=heartbeat_s, migrate=migrate,
                             notifications=notifications)
        self.memory = AsyncSharedMemory(self.engine.memory)

    @overload
    def register(self, name: str, handler: None = None) -> Callable[[H], H]: ...

    @overload
    def register(self, name: str, handler: H) -> H: ...

    def register(self, name: str, handler: H | None = None) -> H | Callable[[H], H]:
        if handler is None:
            return self.engine.register(name)
        return self.engine.register(name, handler)

    async def deploy(self, workflow: DefinitionSource, *, actor: str | None = None) -> DeployedRef:
        return await asyncio.to_thread(self.engine.deploy, workflow, actor=actor)

    async def deploy_agent(self, agent: AgentSource, *, actor: str | None = None) -> DeployedAgentRef:
        return await asyncio.to_thread(self.engine.deploy_agent, agent, actor=actor)

    async def start(self, workflow_id: str, context: dict[str, Any] | None = None, *, version: int | None = None,
                    tenant: str = "default", idempotency_key: str | None = None,
                    actor: str | None = None) -> InstanceView:
        return await asyncio.to_thread(self.engine.start, workflow_id, context, version=version, tenant=tenant,
                                       idempotency_key=idempotency_key, actor=actor)

    async def send(self, instance_id: str, event: str, payload: Any = None, *, actor: str | None = None,
                   idempotency_key: str | None = None, expected_version: int | None = None) -> InstanceView:
        return await asyncio.to_thread(self.engine.send, instance_id, event, payload, actor=actor,
                                       idempotency_key=idempotency_key, expected_version=expected_version)

    async def approve(self, instance_id: str, *, actor: str, roles: Sequence[str] = (), comment: str | None = None,
                      idempotency_key: str | None = None) -> InstanceView:
        return await asyncio.to_thread(self.engine.approve, instance_id, actor=actor, roles=roles, comment=comment,
                                       idempotency_key=idempotency_key)

    async def reject(self, instance_id: str, *, actor: str, roles: Sequence[str] = (), comment: str | None = None,
                     idempotency_key: str | None = None) -> InstanceView:
        return await asyncio.to_thread(self.engine.reject, instance_id, actor=actor, roles=roles, comment=comment,
                                       idempotency_key=idempotency_key)

    async def publish(self, event_type: str, payload: Any = None, *, correlation_key: str | None = None,
                      tenant: str = "default", idempotency_key: str | None = None,
                      actor: str | None = None) -> PublishResult:
        return await asyncio.to_thread(self.engine.publish, event_type, payload, correlation_key=correlation_key,
                                       tenant=tenant, idempotency_key=idempotency_key, actor=actor)

    async def cancel(self, instance_id: str, *, actor: str | None = None) -> InstanceView:
        return await asyncio.to_thread(self.engine.cancel, instance_id, actor=actor)

    async def redrive(self, instance_id: str, *, actor: str | None = None,
                      fixes: Mapping[str, Any] | None = None) -> InstanceView:
        return await asyncio.to_thread(self.engine.redrive, instance_id, actor=actor, fixes=fixes)

    async def migration_preview(self, workflow_id: str, from_version: int, to_version: int, *,
                                mapping: dict[str, str] | None = None, tenant: str | None = None) -> MigrationReport:
        return await asyncio.to_thread(self.engine.migration_preview, workflow_id, from_version, to_version,
                                       mapping=mapping, tenant=tenant)

    async def migrate(self, workflow_id: str, from_version: int, to_version: int, *,
                      mapping: dict[str, str] | None = None, tenant: str | None = None,
                      actor: str | None = None) -> MigrationReport:
        return await asyncio.to_thread(self.engine.migrate, workflow_id, from_version, to_version, mapping=mapping,
                                       tenant=tenant, actor=actor)

    async def set_budget(self, tenant: str, monthly_limit: float) -> None:
        await asyncio.to_thread(self.engine.set_budget, tenant, monthly_limit)

    async def get(self, instance_id: str) -> InstanceView:
        return await asyncio.to_thread(self.engine.get, instance_id)

    async def history(self, instance_id: str) -> list[HistoryEntry]:
        return await asyncio.to_thread(self.engine.history, instance_id)

    async def list_instances(self, *, tenant: str | None = None, workflow_id: str | None = None,
                             status: str | None = None, state: str | None = None, limit: int = 50,
                             offset: int = 0) -> list[InstanceView]:
        return await asyncio.to_thread(self.engine.list_instances, tenant=tenant, workflow_id=workflow_id,
                                       status=status, state=state, limit=limit, offset=offset)

    async def pending_approvals(self, user: str | None = None, roles: Sequence[str] = (),
                                tenant: str | None = None) -> list[ApprovalView]:
        return await asyncio.to_thread(self.engine.pending_approvals, user, roles, tenant)

    async def replay(self, instance_id: str) -> ReplayReport:
        return await asyncio.to_thread(self.engine.replay, instance_id)

    async def run_until_idle(self) -> int:
        return await asyncio.to_thread(self.engine.run_until_idle)

    async def run_worker(self, stop: asyncio.Event, *, poll_s: float = 1.0) -> None:
        """Work in a thread until `stop` is set."""
        halt = threading.Event()
        running = asyncio.create_task(asyncio.to_thread(self.engine.run_worker, halt, poll_s=poll_s))
        try:
            await stop.wait()
        finally:
            halt.set()
            await running

    async def close(self) -> None:
        await asyncio.to_thread(self.engine.close)
