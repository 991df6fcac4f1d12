"""`Engine`: the embedding API over one database — deploy, start, send, approve, publish, read, run workers.

    engine = Engine("sqlite:///flows.db")
    engine.register("extract_lead", extract_lead)      # or @engine.register("extract_lead")
    engine.deploy(workflow)
    run = engine.start("lead_qualification", {"email": "a@b.c"})
    engine.run_until_idle()                              # or run workers: `statewright worker --db URL`
    engine.get(run.id).state

Every method is synchronous and thread-safe; `AsyncEngine` offers the same as coroutines over this core.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, overload

from engine.database import ensure_schema
from engine.definition import Agent, Workflow
from engine.definition.lifecycle_events import RESERVED_PREFIX
from engine.errors import InvalidInput, StorageError
from engine.json_limits import MAX_DEFINITION_BYTES, check_json
from engine.notifications.settings import NotificationSettings
from engine.runtime.actions import H, HandlerRegistry
from engine.runtime.agents import AgentSource
from engine.runtime.approvals import decide_approval
from engine.runtime.budget_view import budget_variable, month_of
from engine.runtime.clock import Clock, SystemClock
from engine.runtime.combined_starts import CombinedStarts
from engine.runtime.commands import Command, Prepared, cancel_instance, prepare_send, prepare_start
from engine.runtime.core import Runtime
from engine.runtime.deployments import DefinitionSource, Deployments
from engine.runtime.fold import InlineFold
from engine.runtime.hand_backs import DEFAULT_HANDLER_GRACE_S
from engine.runtime.heartbeat import DEFAULT_HEARTBEAT_S
from engine.runtime.lifecycle import LifecycleEvents, LifecycleMode, lifecycle_mode_from_env
from engine.runtime.memory import SharedMemory
from engine.runtime.migration import MigrationReport, apply_migration, preview_migration
from engine.runtime.model_prices import ANY_PROVIDER, ModelPriceView, list_prices, remove_price, set_price
from engine.runtime.publishing import publish_event
from engine.runtime.queries import approval_view, instance_view, load_history, load_instance, load_trail
from engine.runtime.redrive import redrive_instance
from engine.runtime.replay import replay_instance
from engine.runtime.snapshot import InstanceStatus
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
from engine.runtime.writer import DecisionWriter
from engine.validation.catalog import Catalog
from storage.approvals import ApprovalStore
from storage.costs import CostStore, CostTotal
from storage.database import create_database_engine
from storage.forks import renew_in_children
from storage.instances import InstanceFilter, InstanceStore
from storage.transaction import Store, Transaction, writes_without_waiting

# `with writes_without_waiting():` an engine command's first write does not wait for the database's writer: when
# another thread or process is writing (or on PostgreSQL) it raises `engine.errors.WriterBusy` before doing
# anything, and the caller runs the command again where waiting is harmless (engine.runtime.loop_writes).
__all__ = ["MAX_PENDING_APPROVALS_PAGE", "PENDING_APPROVALS_PAGE", "Engine", "writes_without_waiting"]

_STATUSES = tuple(InstanceStatus)  # what list_instances and count_instances filter by
PENDING_APPROVALS_PAGE = 200
MAX_PENDING_APPROVALS_PAGE = 1000
_NO_FOLD: AbstractContextManager[None] = nullcontext()  # stateless: shared by every command that folds nothing


class Engine:
    def __init__(self, database_url: str | None = None, *, clock: Clock | None = None,
                 handlers: HandlerRegistry | None = None, heartbeat_s: float = DEFAULT_HEARTBEAT_S,
                 migrate: bool = True, rng: random.Random | None = None,
                 notifications: NotificationSettings | None = None,
                 lifecycle_events: LifecycleMode | None = None, eager_inline: bool = True,
                 handler_grace_s: float = DEFAULT_HANDLER_GRACE_S) -> None:
        """`lifecycle_events`: which of the engine's own events are published — `subscribed` (the default, from
        STATEWRIGHT_LIFECYCLE_EVENTS when not given): those a deployed workflow starts on or waits for; `all`;
        `off`. See `engine.runtime.lifecycle`.

        `eager_inline`: `start` and `send` run the inline tasks (`register(..., inline=True)`) the instance enters
        in their own transaction, as a worker would after them, and answer with the instance as those tasks left
        it — one durable commit where a worker's claim and finish would take two more. False: they only queue the
        first task's job for a worker. Either way a task whose handler is not registered in this process waits,
        queued, for a worker that has it, and a start or send made while another runs in this process queues
        its first job too (`_eager_fold`) — but for starts on PostgreSQL, which are written together with those
        made at the same time, chains and all (`engine.runtime.combined_starts`).

        `handler_grace_s`: how long an action job whose handler this process lacks waits for a worker that has it
        — another process on the database — in the worker loops `run_worker` runs (60 s by default; 0: it fails
        with `unknown_action` at once; `math.inf`: however long it takes). `run_until_idle` and the workers of
        `worker()`, which drive this process's own instances, fail it at once unless given a grace of their own
        (see `engine.runtime.hand_backs`)."""
        if not handler_grace_s >= 0:  # NaN too
            raise ValueError(f"the handler grace must be zero or more seconds, not {handler_grace_s}")
        lifecycle = LifecycleEvents(lifecycle_events or lifecycle_mode_from_env())
        self.database = create_database_engine(database_url)
        if migrate:
            try:
                ensure_schema(self.database)  # a database it cannot use: StorageError, one line saying why
            except StorageError:
                self.database.dispose()
                raise
        self.clock: Clock = clock or SystemClock()
        self.handlers = handlers if handlers is not None else HandlerRegistry()
        store = Store(self.database)
        deployments = Deployments(store, self.clock)
        self.runtime = Runtime(store, self.clock, deployments, DecisionWriter(deployments, lifecycle), self.handlers,
                               heartbeat_s, rng or random.Random(),  # noqa: S311 - jitter for retries, not secrets
                               notifications or NotificationSettings.from_env())
        self.memory = SharedMemory(store, self.clock)  # shared key/value memory with a TTL: engine.runtime.memory
        self.prices_revision = 0  # counts price changes made through this engine: price books reload after one
        self.eager_inline = eager_inline
        self.handler_grace_s = handler_grace_s
        self._commands = 0  # starts and sends running in this process now (see `_eager_fold`)
        # starts made at once share a transaction on PostgreSQL (SQLite takes one writer at a time anyway)
        self._starts = CombinedStarts(store) if store.postgresql else None
        self._worker: Worker | None = None
        self._lock = threading.Lock()
        renew_in_children(self, Engine._after_fork)

    def _after_fork(self) -> None:
        """In a process forked from this one (`storage.forks`; the store and its pool renew themselves): the default
        worker's threads and the starts being written together stayed in the parent, and a lock may have been held
        there; the child makes its own as it needs them. Worker loops are the child's to start (docs/runtime.md)."""
        self._lock = threading.Lock()
        self._worker = None
        self._commands = 0
        if self._starts is not None:
            self._starts = CombinedStarts(self.runtime.store)

    @property
    def database_url(self) -> str:
        return self.database.url.render_as_string(hide_password=True)

    @property
    def single_writer(self) -> bool:
        """Whether the database takes one write at a time (SQLite), so a short write may run on an event loop's
        own thread, under `writes_without_waiting`, rather than be handed to a worker thread."""
        return not self.runtime.store.postgresql

    # --- handlers and definitions ---------------------------------------------------------------------
    @overload
    def register(self, name: str, handler: None = None, *, inline: bool = False,
                 input_schema: Mapping[str, Any] | None = None, replace: bool = False) -> Callable[[H], H]: ...

    @overload
    def register(self, name: str, handler: H, *, inline: bool = False,
                 input_schema: Mapping[str, Any] | None = None, replace: bool = False) -> H: ...

    def register(self, name: str, handler: H | None = None, *, inline: bool = False,
                 input_schema: Mapping[str, Any] | None = None, replace: bool = False) -> H | Callable[[H], H]:
        """Register an action handler by name; without `handler`, a decorator. `inline`: an action that answers
        at once and touches neither the engine nor its database, run by the worker inside the transaction of
        the step before it (`HandlerRegistry`'s doc). A name no task's `action` could write is a `ValueError`,
        and so is a different handler under a name taken already, unless `replace=True`."""
        if handler is None:
            return self.handlers.register(name, inline=inline, input_schema=input_schema, replace=replace)
        return self.handlers.register(name, handler, inline=inline, input_schema=input_schema, replace=replace)

    def catalog(self, *, alongside: Iterable[Workflow] = ()) -> Catalog:
        """What `deploy` checks a workflow against, and so what the designer and `statewright validate --db` show:
        the deployed workflows and agents and the actions this engine has handlers for together with those the
        database's live workers advertise (`engine.runtime.live_workers`); neither any handler here nor a live
        worker: the actions go unchecked. `alongside`: workflows deployed together with the one checked, known too
        (they may start one another)."""
        found = self.runtime.read(lambda tx: self.runtime.deployments.catalog(tx, self.handlers.names(),
                                                                               self.handlers.input_schemas()))
        return found.with_alongside(alongside)

    def deploy(self, workflow: DefinitionSource, *, actor: str | None = None,
               alongside: Iterable[Workflow] = (), strict: bool = False) -> DeployedRef:
        """Deploy a workflow (a model, dict, JSON text or file), recording `actor` as who published it. It is
        checked against `catalog(alongside=...)`: a subflow not deployed, an agent not deployed or (with handlers
        registered) an action none performs is refused with `InvalidDefinition` naming the pointer. Its warnings
        (a guard reading an unknown variable, an unknown error kind) are returned in `DeployedRef.warnings` and
        logged on `statewright.deploy`; with `strict`, they refuse it too (`InvalidDefinition`). Same content
        again: no-op; other content under a deployed (id, version): `VersionConflict`."""
        if not isinstance(workflow, Workflow | dict | str | bytes | Path):
            raise TypeError("deploy takes a Workflow, a dict, JSON text (str or bytes) or a Path, not "
                            f"{type(workflow).__name__}")
        if isinstance(workflow, dict | str):
            check_json(workflow, "the definition", max_bytes=MAX_DEFINITION_BYTES)
        deployed = self.runtime.deployments.deploy(workflow, actor, self.catalog(alongside=alongside),
                                                   strict=strict)
        self.runtime.writer.lifecycle.forget()  # it may start on or wait for a lifecycle event
        if self._worker is not None:
            self._worker.forget_schedules()
        return deployed

    def deploy_agent(self, agent: AgentSource, *, actor: str | None = None) -> DeployedAgentRef:
        """Deploy an agent (a model, dict, JSON text or file). Tasks naming it run under the most recently deployed
        version: its configuration reaches the handler (`ActionRequest.agent_definition`) and the engine enforces
        its policies (approval, budget limit, timeout). A deployed (id, version) is immutable."""
        return self.runtime.deployments.agents.deploy(agent, actor)

    def agents(self) -> list[Agent]:
        """The deployed agents, each at the version in force."""
        return self.runtime.read(self.runtime.deployments.agents.deployed)

    # --- commands -------------------------------------------------------------------------------------
    def _eager_fold(self, *, combined: bool = False) -> AbstractContextManager[InlineFold | None]:
        """How `start` and `send` run the inline tasks the instance enters: with the default worker's lease owner,
        runner and shared memory, as its fold would — when this command is the only start or send running in this
        process, or is a start written with those made at the same time (`combined`: on PostgreSQL,
        `engine.runtime.combined_starts`). While others run beside it (a server's threads starting at once), a
        send, or a start on SQLite, only queues the first job: a worker's batch then runs those chains and commits
        them together, which keeps throughput under load, where each command running its own chain in its own
        transaction would not. None, too, when `eager_inline` is off or no handler here is inline (nothing to look
        for: the designer's API server registers none) — a plain `nullcontext` then, nothing counted (a
        generator's context manager cost `send` about 2% of its time)."""
        if not self.eager_inline or not self.handlers.has_inline:
            return _NO_FOLD
        return self._counted_fold(combined)

    @contextmanager
    def _counted_fold(self, combined: bool) -> Iterator[InlineFold | None]:
        with self._lock:
            self._commands += 1
            alone = self._commands == 1
        try:
            yield self._default_worker().fold if alone or combined else None
        finally:
            with self._lock:
                self._commands -= 1

    def start(self, workflow_id: str, context: dict[str, Any] | None = None, *, version: int | None = None,
              tenant: str = "default", idempotency_key: str | None = None, actor: str | None = None) -> InstanceView:
        """Start an instance of the workflow (its latest version, or `version`). It answers with the instance
        after its first step and, with `eager_inline`, after the inline tasks that follow it, run in the same
        transaction. A repeat under the same `idempotency_key` answers as the first did."""
        if context is not None and not isinstance(context, dict):
            raise TypeError(f"the context must be a dict (a JSON object) or None, not {type(context).__name__}")
        check_json(context, "the context")
        return self._start(workflow_id, dict(context or {}), version=version, tenant=tenant,
                           idempotency_key=idempotency_key, actor=actor)

    def _start(self, workflow_id: str, context: dict[str, Any], *, version: int | None, tenant: str,
               idempotency_key: str | None, actor: str | None) -> InstanceView:
        """`start` once its input was checked."""
        return self._made_start(prepare_start(self.runtime, workflow_id, context, version=version, tenant=tenant,
                                              idempotency_key=idempotency_key, actor=actor))

    def _made_start(self, prepared: Prepared[InstanceView]) -> InstanceView:
        """The start made alone — on PostgreSQL, written with the starts made at the same time
        (`engine.runtime.combined_starts`)."""
        with self._eager_fold(combined=self._starts is not None) as fold:
            command = prepared.command(fold)
            if self._starts is None:
                return command.alone()
            return self._starts.run(command.work, command.alone)

    def send(self, instance_id: str, event: str, payload: Any = None, *, actor: str | None = None,
             idempotency_key: str | None = None, expected_version: int | None = None,
             tenant: str | None = None) -> InstanceView:
        """Send `event` to the instance. With `tenant`, an instance of another tenant, or a parallel branch or map
        item (they follow their parent), is `InstanceNotFound`: checked in the same transaction, no read before.
        Inline tasks the event leads into run in the send's transaction (`eager_inline`)."""
        if type(event) is not str:
            raise TypeError(f"the event must be its name, a str, not {type(event).__name__}")
        check_json(payload, "the payload")
        return self._send(instance_id, event, payload, actor=actor, idempotency_key=idempotency_key,
                          expected_version=expected_version, tenant=tenant)

    def _send(self, instance_id: str, event: str, payload: Any, *, actor: str | None, idempotency_key: str | None,
              expected_version: int | None, tenant: str | None) -> InstanceView:
        """`send` once its payload was checked."""
        return self._made_send(prepare_send(self.runtime, instance_id, event, payload, actor=actor,
                                            idempotency_key=idempotency_key, expected_version=expected_version,
                                            tenant=tenant))

    def _made_send(self, prepared: Prepared[InstanceView]) -> InstanceView:
        with self._eager_fold() as fold:
            return prepared.command(fold).alone()

    def start_command(self, workflow_id: str, context: dict[str, Any] | None = None, *, version: int | None = None,
                      tenant: str = "default", idempotency_key: str | None = None,
                      actor: str | None = None) -> Command[InstanceView]:
        """`start`, not yet made: its `work`, to be written together with other commands
        (`engine.runtime.loop_writes`'s `LoopBatches`) — its chain of inline tasks, if any, then left to a worker,
        as that of a start made while others run beside it — or made `alone`, as `start` makes it. Bad input is
        refused here, before anything is written; the input is checked and the request digested once."""
        check_json(context, "the context")
        prepared = prepare_start(self.runtime, workflow_id, dict(context or {}), version=version, tenant=tenant,
                                 idempotency_key=idempotency_key, actor=actor)
        return Command(prepared.command(None).work, partial(self._made_start, prepared))

    def send_command(self, instance_id: str, event: str, payload: Any = None, *, actor: str | None = None,
                     idempotency_key: str | None = None, expected_version: int | None = None,
                     tenant: str | None = None) -> Command[InstanceView]:
        """`send`, not yet made (see `start_command`)."""
        check_json(payload, "the payload")
        prepared = prepare_send(self.runtime, instance_id, event, payload, actor=actor,
                                idempotency_key=idempotency_key, expected_version=expected_version, tenant=tenant)
        return Command(prepared.command(None).work, partial(self._made_send, prepared))

    def approve(self, instance_id: str, *, actor: str, roles: Sequence[str] = (), comment: str | None = None,
                idempotency_key: str | None = None) -> InstanceView:
        check_json(comment, "the comment")
        return decide_approval(self.runtime, instance_id, "approve", actor=actor, roles=roles, comment=comment,
                               idempotency_key=idempotency_key)

    def reject(self, instance_id: str, *, actor: str, roles: Sequence[str] = (), comment: str | None = None,
               idempotency_key: str | None = None) -> InstanceView:
        check_json(comment, "the comment")
        return decide_approval(self.runtime, instance_id, "reject", actor=actor, roles=roles, comment=comment,
                               idempotency_key=idempotency_key)

    def publish(self, event_type: str, payload: Any = None, *, correlation_key: str | None = None,
                tenant: str = "default", idempotency_key: str | None = None,
                actor: str | None = None, keep_for: float | None = None) -> PublishResult:
        """Store the event, then deliver it at once (a worker finishes the delivery if this process dies).
        `actor` is recorded as its publisher and on the transitions it causes (instances started, resumed). An
        event with a correlation key that reaches no wait is kept `keep_for` seconds (an hour unless told; 0 keeps
        it not) for the first wait state that arms with its key: the result's `kept_until` says until when."""
        check_json(payload, "the payload")
        if event_type.startswith(RESERVED_PREFIX):
            raise InvalidInput(f"the event type '{event_type}' uses the prefix '{RESERVED_PREFIX}', reserved for the "
                               "engine's own lifecycle events")
        return publish_event(self.runtime, self._default_worker().owner, event_type, payload,
                             correlation_key=correlation_key, tenant=tenant, idempotency_key=idempotency_key,
                             actor=actor, keep_for=keep_for)

    def cancel(self, instance_id: str, *, actor: str | None = None) -> InstanceView:
        return cancel_instance(self.runtime, instance_id, actor=actor)

    def redrive(self, instance_id: str, *, actor: str | None = None,
                fixes: Mapping[str, Any] | None = None) -> InstanceView:
        """Resume a failed instance at the state it failed in, entering it again (a failed task runs its action
        afresh, under the idempotency key of the run that failed). `fixes` corrects its context first: a context
        path (`enrichment.company.size`) and its new value each, checked against the workflow's context schema
        and recorded as the redrive's context change. `RedriveRefused` for one that has not failed, ended in a
        failure state its workflow leads to, or is a child (redrive its parent); `InvalidInput` for fixes that
        are no context paths or break the schema."""
        return redrive_instance(self.runtime, instance_id, actor=actor, fixes=fixes)

    def migration_preview(self, workflow_id: str, from_version: int, to_version: int, *,
                          mapping: dict[str, str] | None = None, tenant: str | None = None,
                          target: Workflow | None = None, renames: bool = False,
                          allow_final: bool = False) -> MigrationReport:
        """What migrating the unended instances of `workflow_id` at `from_version` to `to_version` would do — and
        the failed ones a redrive could resume, moved as they are — each instance's plan (state kept, mapped or
        missing; context valid; open work carried or cancelled; refused and why). Changes nothing. `target`:
        version `to_version` when it is not deployed yet (a draft); `renames`: the states it renamed mapped to
        their new ids; `allow_final`: moving instances into a final state is meant. See
        docs/runtime.md#migrating-running-instances."""
        return preview_migration(self.runtime, workflow_id, from_version, to_version, mapping=mapping,
                                 tenant=tenant, target=target, renames=renames, allow_final=allow_final)

    def migrate(self, workflow_id: str, from_version: int, to_version: int, *, mapping: dict[str, str] | None = None,
                tenant: str | None = None, actor: str | None = None, allow_final: bool = False) -> MigrationReport:
        """Migrate them, one transaction each (each re-planned then); refused instances stay as they are."""
        return apply_migration(self.runtime, workflow_id, from_version, to_version, mapping=mapping, tenant=tenant,
                               actor=actor, allow_final=allow_final)

    def set_budget(self, tenant: str, monthly_limit: float) -> None:
        if monthly_limit < 0:
            raise ValueError("a budget is not negative")
        self.runtime.write(lambda tx: CostStore(tx).set_budget(tenant, monthly_limit))

    # --- model prices (the deployment's, set by its admins) --------------------------------------------
    def model_prices(self) -> list[ModelPriceView]:
        return list_prices(self.runtime)

    def set_model_price(self, model: str, *, prompt_per_million: float, completion_per_million: float,
                        provider: str = ANY_PROVIDER, actor: str | None = None) -> tuple[ModelPriceView, bool]:
        """Set a model's price (USD per million tokens) on `provider` ('' for any); the price and whether it is
        new. `InvalidInput` for a negative, huge or non-numeric price or a malformed name."""
        found = set_price(self.runtime, provider, model, prompt_per_million=prompt_per_million,
                          completion_per_million=completion_per_million, actor=actor)
        self.prices_revision += 1
        return found

    def remove_model_price(self, model: str, *, provider: str = ANY_PROVIDER) -> bool:
        removed = remove_price(self.runtime, provider, model)
        self.prices_revision += 1
        return removed

    # --- queries --------------------------------------------------------------------------------------
    def ping(self) -> None:
        """One round trip to the database (a readiness check): `StorageError` with its reason when it does not
        answer."""
        self.runtime.read(lambda tx: tx.scalar("SELECT 1"))

    def get(self, instance_id: str) -> InstanceView:
        return self.runtime.read(lambda tx: instance_view(load_instance(tx, instance_id)))

    def history(self, instance_id: str, *, after_seq: int = 0, limit: int | None = None) -> list[HistoryEntry]:
        """The instance's transitions, oldest first: those after `after_seq` (seqs run 1, 2, … without a gap),
        at most `limit` — a page of a long history reads only its own rows."""
        if after_seq < 0 or (limit is not None and limit < 0):
            raise InvalidInput("after_seq and limit must be 0 or more")
        return self.runtime.read(lambda tx: load_history(tx, instance_id, after_seq=after_seq, limit=limit))

    def trail(self, instance_id: str) -> list[TrailStep]:
        """Every transition in brief — seq, states, event, actor, cost — without payloads, context changes or
        attempts: an instance's path and total cost, read cheaply however long its history."""
        return self.runtime.read(lambda tx: load_trail(tx, instance_id))

    def list_instances(self, *, tenant: str | None = None, workflow_id: str | None = None, status: str | None = None,
                       state: str | None = None, parent_id: str | None = None, top_level_only: bool = False,
                       limit: int = 50, offset: int = 0) -> list[InstanceView]:
        """Instances, newest first. `InvalidInput` for a status that is none (`success` matches nothing: it is
        refused rather than answered with an empty page) and for a negative `limit` or `offset`."""
        _check_listing(status, limit, offset)
        where = InstanceFilter(tenant, workflow_id, status, state, parent_id, top_level_only)
        return self.runtime.read(lambda tx: [instance_view(r) for r in InstanceStore(tx).search(
            where, limit=limit, offset=offset)[0]])

    def count_instances(self, *, tenant: str | None = None, workflow_id: str | None = None,
                        status: str | None = None, state: str | None = None) -> int:
        _check_listing(status, 0, 0)
        where = InstanceFilter(tenant, workflow_id, status, state)
        return self.runtime.read(lambda tx: InstanceStore(tx).search(where, limit=0)[1])

    def pending_approvals(self, user: str | None = None, roles: Sequence[str] = (),
                          tenant: str | None = None, *, limit: int = PENDING_APPROVALS_PAGE,
                          after: int | None = None) -> list[ApprovalView]:
        """Pending approvals `user` or any of `roles` may decide (every pending one when both are empty), the
        oldest first, at most `limit`; `after`: the page that follows approval `after` (the last one seen).
        `InvalidInput` for a limit out of range or an `after` that is no approval."""
        if not 1 <= limit <= MAX_PENDING_APPROVALS_PAGE:
            raise InvalidInput(f"limit must be between 1 and {MAX_PENDING_APPROVALS_PAGE:,}, not {limit}")

        def work(tx: Transaction) -> list[ApprovalView]:
            store = ApprovalStore(tx)
            if after is not None and store.get(after) is None:
                raise InvalidInput(f"after: there is no approval {after}")
            found = store.pending_for(user=user, roles=list(roles), tenant=tenant, limit=limit, after=after)
            return [approval_view(tx, r) for r in found]

        return self.runtime.read(work)

    def approvals(self, instance_id: str) -> list[ApprovalView]:
        return self.runtime.read(lambda tx: [approval_view(tx, r) for r in ApprovalStore(tx).for_instance(instance_id)])

    def budget(self, tenant: str = "default") -> dict[str, Any]:
        """{limit, spent, remaining, ratio, set, month} for the tenant's current month."""
        return self.runtime.read(lambda tx: budget_variable(tx, tenant, self.clock.now()))

    def cost_totals(self, tenant: str = "default", *, by: str = "workflow_id",
                    month: str | None = None) -> list[CostTotal]:
        """The tenant's spend in `month` (default: this one) by workflow_id, instance_id, agent or model."""
        chosen = month or month_of(self.clock.now())
        return self.runtime.read(lambda tx: CostStore(tx).totals(tenant=tenant, month=chosen, by=by))

    def replay(self, instance_id: str) -> ReplayReport:
        return replay_instance(self.runtime, instance_id)

    # --- workers --------------------------------------------------------------------------------------
    def _default_worker(self) -> Worker:
        with self._lock:
            if self._worker is None:
                self._worker = Worker(self.runtime)
            return self._worker

    def worker(self, *, batch: int = 32, owner: str | None = None, handler_grace_s: float = 0.0) -> Worker:
        """A new worker identity (its own lease owner) over this engine. `handler_grace_s`: how long an action job
        it has no handler for waits, handed back, for a worker that has it (default: not at all, it fails at once;
        see `Worker`)."""
        return Worker(self.runtime, batch=batch, owner=owner, handler_grace_s=handler_grace_s)

    def run_until_idle(self, *, max_rounds: int = 100_000) -> int:
        """Run due jobs, timers and schedules in this thread until none is runnable now. How much was done."""
        return self._default_worker().run_until_idle(max_rounds=max_rounds)

    def run_worker(self, stop: threading.Event | None = None, *, poll_s: float = 1.0, batch: int = 32,
                   handler_grace_s: float | None = None) -> None:
        """Work until `stop` is set or the engine is closed (forever without either), as one of the workers of the
        database: an action job whose handler this process lacks waits `handler_grace_s` (default: the engine's) for
        one that has it. On an engine closed already, `StorageError` at once."""
        grace = self.handler_grace_s if handler_grace_s is None else handler_grace_s
        worker = self.worker(batch=batch, handler_grace_s=grace)
        try:
            worker.run_forever(stop or threading.Event(), poll_s=poll_s)
        finally:
            worker.close()

    def close(self, *, wait_s: float = CLOSE_WAIT_S) -> None:
        """Close the engine, for good: every later call is refused with `StorageError` (open a new `Engine` on the
        database to go on). `with Engine(url) as engine:` closes it at the end of the block.

        The worker loops running on it — `run_worker` and `AsyncEngine.run_worker`, `run_until_idle`, the loops of
        its `worker()`s, in any thread — are stopped first: each finishes its round (the actions it runs end and
        their outcomes commit) and returns; none goes on trying a closed database. `close` waits up to `wait_s`
        seconds (5 by default) for them. A loop still running then is named in a warning (logger
        `statewright.worker`) with the actions it still runs: their outcomes are not committed by this engine —
        each job's lease lapses, and a worker of the database runs the action again under the same idempotency key
        (actions run at least once). A loop on the calling thread itself is not waited for. Then the connections
        are released (and, on SQLite, the checkpoint thread stopped). Closing twice is harmless."""
        self.runtime.loops.stop(wait_s)
        if self._worker is not None:
            self._worker.close()
        self.runtime.store.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def _check_listing(status: str | None, limit: int, offset: int) -> None:
    if status is not None and status not in _STATUSES:
        raise InvalidInput(f"unknown instance status '{status}': one of {', '.join(_STATUSES)}")
    for name, value in (("limit", limit), ("offset", offset)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput(f"{name} is a whole number of instances, 0 or more; not {value!r}")
