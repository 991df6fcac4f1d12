"""`AsyncEngine`: the same API as `Engine`, as coroutines, over the synchronous engine. The commands that are one
transaction — start, send, approve, reject — run on the event loop's own thread when the database is SQLite and
its writer is free: a fraction of a millisecond, where handing them to a thread cost more CPU than the write
(`engine.runtime.loop_writes`). With the writer busy, or on PostgreSQL, they run in a worker thread, as every
other call does (`asyncio.to_thread`; publish, cancel and redrive may take several transactions). The loop never
waits for another writer, a long read or a handler.

Every public method of `Engine` is here with the same parameters (`tests/engine/runtime/test_runtime_async.py`
holds them together); `register`, `start_command` and `send_command` stay plain methods (they touch no
database) and `worker()` returns the synchronous `Worker`. `async with AsyncEngine(url) as engine:` closes it at
the end."""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from types import TracebackType
from typing import Any, ParamSpec, TypeVar, overload

from engine.definition import Agent, Workflow
from engine.notifications.settings import NotificationSettings
from engine.runtime.actions import H, HandlerRegistry
from engine.runtime.agents import AgentSource
from engine.runtime.clock import Clock
from engine.runtime.commands import Command
from engine.runtime.deployments import DefinitionSource
from engine.runtime.engine import PENDING_APPROVALS_PAGE, Engine
from engine.runtime.hand_backs import DEFAULT_HANDLER_GRACE_S
from engine.runtime.heartbeat import DEFAULT_HEARTBEAT_S
from engine.runtime.lifecycle import LifecycleMode
from engine.runtime.loop_writes import write_soon
from engine.runtime.memory import AsyncSharedMemory
from engine.runtime.migration import MigrationReport
from engine.runtime.model_prices import ANY_PROVIDER, ModelPriceView
from engine.runtime.views import (
    ApprovalView,
    DeployedAgentRef,
    DeployedRef,
    HistoryEntry,
    InstanceView,
    PublishResult,
    ReplayReport,
    TrailStep,
)
from engine.runtime.worker import Worker
from engine.runtime.worker_loops import CLOSE_WAIT_S
from engine.validation.catalog import Catalog
from storage.costs import CostTotal

__all__ = ["AsyncEngine"]

P = ParamSpec("P")
T = TypeVar("T")


class AsyncEngine:
    def __init__(self, database_url: str | None = None, *, clock: Clock | None = None,
                 handlers: HandlerRegistry | None = None, heartbeat_s: float = DEFAULT_HEARTBEAT_S,
                 migrate: bool = True, rng: random.Random | None = None,
                 notifications: NotificationSettings | None = None,
                 lifecycle_events: LifecycleMode | None = None, eager_inline: bool = True,
                 handler_grace_s: float = DEFAULT_HANDLER_GRACE_S) -> None:
        self.engine = Engine(database_url, clock=clock, handlers=handlers, heartbeat_s=heartbeat_s, migrate=migrate,
                             rng=rng, notifications=notifications, lifecycle_events=lifecycle_events,
                             eager_inline=eager_inline, handler_grace_s=handler_grace_s)
        self.memory = AsyncSharedMemory(self.engine.memory)

    async def _command(self, call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """A one-transaction command: on the loop's thread when SQLite's writer is free (`write_soon`)."""
        return await write_soon(self.engine, partial(call, *args, **kwargs))

    @property
    def database_url(self) -> str:
        return self.engine.database_url

    @property
    def clock(self) -> Clock:
        return self.engine.clock

    @property
    def handlers(self) -> HandlerRegistry:
        return self.engine.handlers

    @overload
    def register(self, name: str, handler: None = None, *, inline: bool = False,
                 input_schema: Mapping[str, Any] | None = None, replace: bool = False) -> Callable[[H], H]: ...

    @overload
    def register(self, name: str, handler: H, *, inline: bool = False,
                 input_schema: Mapping[str, Any] | None = None, replace: bool = False) -> H: ...

    def register(self, name: str, handler: H | None = None, *, inline: bool = False,
                 input_schema: Mapping[str, Any] | None = None, replace: bool = False) -> H | Callable[[H], H]:
        """As `Engine.register` (a plain method: registering touches no database)."""
        if handler is None:
            return self.engine.register(name, inline=inline, input_schema=input_schema, replace=replace)
        return self.engine.register(name, handler, inline=inline, input_schema=input_schema, replace=replace)

    async def catalog(self, *, alongside: Iterable[Workflow] = ()) -> Catalog:
        return await asyncio.to_thread(self.engine.catalog, alongside=alongside)

    async def deploy(self, workflow: DefinitionSource, *, actor: str | None = None,
                     alongside: Iterable[Workflow] = (), strict: bool = False) -> DeployedRef:
        """As `Engine.deploy`: its warnings in `DeployedRef.warnings`; with `strict`, refused for them."""
        return await asyncio.to_thread(self.engine.deploy, workflow, actor=actor, alongside=alongside,
                                       strict=strict)

    async def agents(self) -> list[Agent]:
        return await asyncio.to_thread(self.engine.agents)

    async def deploy_agent(self, agent: AgentSource, *, actor: str | None = None) -> DeployedAgentRef:
        return await asyncio.to_thread(self.engine.deploy_agent, agent, actor=actor)

    async def start(self, workflow_id: str, context: dict[str, Any] | None = None, *, version: int | None = None,
                    tenant: str = "default", idempotency_key: str | None = None,
                    actor: str | None = None) -> InstanceView:
        return await self._command(self.engine.start, workflow_id, context, version=version, tenant=tenant,
                                   idempotency_key=idempotency_key, actor=actor)

    async def send(self, instance_id: str, event: str, payload: Any = None, *, actor: str | None = None,
                   idempotency_key: str | None = None, expected_version: int | None = None,
                   tenant: str | None = None) -> InstanceView:
        return await self._command(self.engine.send, instance_id, event, payload, actor=actor,
                                   idempotency_key=idempotency_key, expected_version=expected_version,
                                   tenant=tenant)

    def start_command(self, workflow_id: str, context: dict[str, Any] | None = None, *, version: int | None = None,
                      tenant: str = "default", idempotency_key: str | None = None,
                      actor: str | None = None) -> Command[InstanceView]:
        """`Engine.start_command`: a start not yet made (it touches no database), for a `LoopBatches` to write
        with the commands made in the same turn of the loop (`engine.runtime.loop_writes`)."""
        return self.engine.start_command(workflow_id, context, version=version, tenant=tenant,
                                         idempotency_key=idempotency_key, actor=actor)

    def send_command(self, instance_id: str, event: str, payload: Any = None, *, actor: str | None = None,
                     idempotency_key: str | None = None, expected_version: int | None = None,
                     tenant: str | None = None) -> Command[InstanceView]:
        """`Engine.send_command` (see `start_command`)."""
        return self.engine.send_command(instance_id, event, payload, actor=actor, idempotency_key=idempotency_key,
                                        expected_version=expected_version, tenant=tenant)

    async def approve(self, instance_id: str, *, actor: str, roles: Sequence[str] = (), comment: str | None = None,
                      idempotency_key: str | None = None) -> InstanceView:
        return await self._command(self.engine.approve, instance_id, actor=actor, roles=roles, comment=comment,
                                   idempotency_key=idempotency_key)

    async def reject(self, instance_id: str, *, actor: str, roles: Sequence[str] = (), comment: str | None = None,
                     idempotency_key: str | None = None) -> InstanceView:
        return await self._command(self.engine.reject, instance_id, actor=actor, roles=roles, comment=comment,
                                   idempotency_key=idempotency_key)

    async def publish(self, event_type: str, payload: Any = None, *, correlation_key: str | None = None,
                      tenant: str = "default", idempotency_key: str | None = None,
                      actor: str | None = None, keep_for: float | None = None) -> PublishResult:
        return await asyncio.to_thread(self.engine.publish, event_type, payload, correlation_key=correlation_key,
                                       tenant=tenant, idempotency_key=idempotency_key, actor=actor,
                                       keep_for=keep_for)

    async def cancel(self, instance_id: str, *, actor: str | None = None) -> InstanceView:
        return await asyncio.to_thread(self.engine.cancel, instance_id, actor=actor)

    async def redrive(self, instance_id: str, *, actor: str | None = None,
                      fixes: Mapping[str, Any] | None = None) -> InstanceView:
        return await asyncio.to_thread(self.engine.redrive, instance_id, actor=actor, fixes=fixes)

    async def migration_preview(self, workflow_id: str, from_version: int, to_version: int, *,
                                mapping: dict[str, str] | None = None, tenant: str | None = None,
                                target: Workflow | None = None, renames: bool = False,
                                allow_final: bool = False) -> MigrationReport:
        return await asyncio.to_thread(self.engine.migration_preview, workflow_id, from_version, to_version,
                                       mapping=mapping, tenant=tenant, target=target, renames=renames,
                                       allow_final=allow_final)

    async def migrate(self, workflow_id: str, from_version: int, to_version: int, *,
                      mapping: dict[str, str] | None = None, tenant: str | None = None,
                      actor: str | None = None, allow_final: bool = False) -> MigrationReport:
        return await asyncio.to_thread(self.engine.migrate, workflow_id, from_version, to_version, mapping=mapping,
                                       tenant=tenant, actor=actor, allow_final=allow_final)

    async def set_budget(self, tenant: str, monthly_limit: float) -> None:
        await asyncio.to_thread(self.engine.set_budget, tenant, monthly_limit)

    async def model_prices(self) -> list[ModelPriceView]:
        return await asyncio.to_thread(self.engine.model_prices)

    async def set_model_price(self, model: str, *, prompt_per_million: float, completion_per_million: float,
                              provider: str = ANY_PROVIDER, actor: str | None = None) -> tuple[ModelPriceView, bool]:
        return await asyncio.to_thread(self.engine.set_model_price, model, prompt_per_million=prompt_per_million,
                                       completion_per_million=completion_per_million, provider=provider, actor=actor)

    async def remove_model_price(self, model: str, *, provider: str = ANY_PROVIDER) -> bool:
        return await asyncio.to_thread(self.engine.remove_model_price, model, provider=provider)

    async def ping(self) -> None:
        await asyncio.to_thread(self.engine.ping)

    async def get(self, instance_id: str) -> InstanceView:
        return await asyncio.to_thread(self.engine.get, instance_id)

    async def history(self, instance_id: str, *, after_seq: int = 0,
                      limit: int | None = None) -> list[HistoryEntry]:
        return await asyncio.to_thread(self.engine.history, instance_id, after_seq=after_seq, limit=limit)

    async def trail(self, instance_id: str) -> list[TrailStep]:
        return await asyncio.to_thread(self.engine.trail, instance_id)

    async def list_instances(self, *, tenant: str | None = None, workflow_id: str | None = None,
                             status: str | None = None, state: str | None = None, parent_id: str | None = None,
                             top_level_only: bool = False, limit: int = 50, offset: int = 0) -> list[InstanceView]:
        return await asyncio.to_thread(self.engine.list_instances, tenant=tenant, workflow_id=workflow_id,
                                       status=status, state=state, parent_id=parent_id,
                                       top_level_only=top_level_only, limit=limit, offset=offset)

    async def count_instances(self, *, tenant: str | None = None, workflow_id: str | None = None,
                              status: str | None = None, state: str | None = None) -> int:
        return await asyncio.to_thread(self.engine.count_instances, tenant=tenant, workflow_id=workflow_id,
                                       status=status, state=state)

    async def pending_approvals(self, user: str | None = None, roles: Sequence[str] = (),
                                tenant: str | None = None, *, limit: int = PENDING_APPROVALS_PAGE,
                                after: int | None = None) -> list[ApprovalView]:
        return await asyncio.to_thread(self.engine.pending_approvals, user, roles, tenant, limit=limit, after=after)

    async def approvals(self, instance_id: str) -> list[ApprovalView]:
        return await asyncio.to_thread(self.engine.approvals, instance_id)

    async def budget(self, tenant: str = "default") -> dict[str, Any]:
        return await asyncio.to_thread(self.engine.budget, tenant)

    async def cost_totals(self, tenant: str = "default", *, by: str = "workflow_id",
                          month: str | None = None) -> list[CostTotal]:
        return await asyncio.to_thread(self.engine.cost_totals, tenant, by=by, month=month)

    async def replay(self, instance_id: str) -> ReplayReport:
        return await asyncio.to_thread(self.engine.replay, instance_id)

    def worker(self, *, batch: int = 32, owner: str | None = None, handler_grace_s: float = 0.0) -> Worker:
        """A new (synchronous) worker identity over this engine, as `Engine.worker`."""
        return self.engine.worker(batch=batch, owner=owner, handler_grace_s=handler_grace_s)

    async def run_until_idle(self, *, max_rounds: int = 100_000) -> int:
        return await asyncio.to_thread(self.engine.run_until_idle, max_rounds=max_rounds)

    async def run_worker(self, stop: asyncio.Event, *, poll_s: float = 1.0, batch: int = 32,
                         handler_grace_s: float | None = None) -> None:
        """Work in a thread until `stop` is set or the engine is closed, as `Engine.run_worker`: it returns once the
        worker has stopped (or raises what stopped it)."""
        halt = threading.Event()
        running = asyncio.create_task(asyncio.to_thread(self.engine.run_worker, halt, poll_s=poll_s, batch=batch,
                                                        handler_grace_s=handler_grace_s))
        stopped = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({running, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            halt.set()
            stopped.cancel()
            await running

    async def close(self, *, wait_s: float = CLOSE_WAIT_S) -> None:
        """`Engine.close`, in a thread: the worker loops stopped (`run_worker` returns), waited for up to
        `wait_s`."""
        await asyncio.to_thread(self.engine.close, wait_s=wait_s)

    async def __aenter__(self) -> AsyncEngine:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        await self.close()
