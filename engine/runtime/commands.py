"""Starting, sending to and cancelling instances: each one transaction, idempotent when given a key.

A start or a send given an `InlineFold` (the engine's `eager_inline`) runs the chain of inline tasks the instance
enters in its own transaction, as a worker's fold would (`engine.runtime.fold`), and answers with the instance as
the chain left it. The start or send is never lost to its chain: should the chain raise, the command runs again
without it, its first task's job queued for a worker as when no handler is registered here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from engine.errors import ConcurrencyConflict, InstanceNotFound, InvalidInput, TransitionNotAllowed
from engine.runtime.context_schema import check_context
from engine.runtime.core import Runtime
from engine.runtime.fold import InlineFold
from engine.runtime.idempotency import keep_response, kept_response, request_digest
from engine.runtime.queries import instance_view, load_instance
from engine.runtime.runtime_events import HELD_DECISIONS, RUNTIME_EVENTS, whose_event
from engine.runtime.snapshot import HELD, TERMINAL, Event
from engine.runtime.step import take_step
from engine.runtime.views import InstanceView
from storage.errors import StoreError
from storage.instances import InstanceRecord
from storage.transaction import Transaction

__all__ = ["RUNTIME_EVENTS", "Command", "Prepared", "cancel_instance", "prepare_send", "prepare_start"]

log = logging.getLogger("statewright.engine")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Command(Generic[T]):
    """A start or a send not yet made: its `work` in a transaction the caller holds, written with other commands
    (`engine.runtime.together`), and the command made `alone` — its own transaction, run again on a conflict, and
    without its chain of inline tasks if that raised. What `work` raises is what `alone` would raise: the caller
    rolls back and makes the command alone to hear it."""

    work: Callable[[Transaction], T]
    alone: Callable[[], T]


@dataclass(frozen=True, slots=True)
class Prepared(Generic[T]):
    """A start or a send prepared once (its request digest taken), to be made with the fold of the moment — an
    `InlineFold` running the chain of inline tasks it enters, or None to leave that chain to a worker."""

    rt: Runtime
    steps: Callable[[Transaction, InlineFold | None], T]
    retry_conflicts: bool = True

    def command(self, fold: InlineFold | None) -> Command[T]:
        return Command(lambda tx: self.steps(tx, fold),
                       lambda: _eagerly(self.rt, self.steps, fold, retry_conflicts=self.retry_conflicts))


class _ChainFailed(Exception):
    """The chain of inline tasks folded into a command raised (not a handler's failure: those are outcomes)."""


def _folded(tx: Transaction, after: InstanceRecord, fold: InlineFold | None) -> InstanceRecord:
    """The instance after the chain of inline tasks it entered, run in this transaction (none without a fold).

    Nothing here can fail a guard of the command's transaction: the chain's writes touch the instance this
    transaction created or holds locked, jobs it enqueued and has not sent (no one else can see them), and rows
    keyed by that instance. The database's own errors (a connection lost, a deadlock it broke) pass through as
    they would from the command's statements: `Runtime.write` runs the command again, chain and all, or reports
    them. Anything else the chain raises is a defect, `_ChainFailed`, and the command runs again without it
    (`_eagerly`)."""
    if fold is None:
        return after
    try:
        return fold.chain(tx, after)
    except (StoreError, ConcurrencyConflict):
        raise
    except Exception as exc:
        raise _ChainFailed from exc


def _eagerly(rt: Runtime, work: Callable[[Transaction, InlineFold | None], T], fold: InlineFold | None, *,
             retry_conflicts: bool = True) -> T:
    """Run a command with its chain of inline tasks; if the chain raised, run it again without one.

    The two retries do not compound: `_ChainFailed` is none of the errors `Runtime.write` retries, so a chain that
    raised leaves it at once and the command runs once more, without the chain — while a conflict `Runtime.write`
    does retry (raised outside the chain: by the command's own statements, or at its commit) runs `work` again with
    the fold, chain and all (tests/engine/runtime/test_runtime_eager_inline_retries.py)."""
    try:
        return rt.write(lambda tx: work(tx, fold), retry_conflicts=retry_conflicts)
    except _ChainFailed:  # logged with the error it wraps
        log.exception("running the inline tasks of a start or send failed; the command ran again without them, "
                      "and its first task's job is queued for a worker")
        return rt.write(lambda tx: work(tx, None), retry_conflicts=retry_conflicts)


def prepare_start(rt: Runtime, workflow_id: str, context: dict[str, Any], *, version: int | None,
                  tenant: str, idempotency_key: str | None, actor: str | None) -> Prepared[InstanceView]:
    """A start: the instance created — with a fold, and the inline tasks it enters run (see the module's doc). A
    repeat under the same idempotency key gets the first response back."""
    scope = f"start:{tenant}"
    # the version is checked on its own below: a repeat without one may get any version's instance
    asked = request_digest(idempotency_key, workflow=workflow_id, context=context, actor=actor)

    def another_version(first: InstanceView) -> bool:
        return first.workflow_id != workflow_id or version not in (None, first.workflow_version)

    def reused(first: InstanceView) -> str:
        if another_version(first):
            return (f"the idempotency key '{idempotency_key}' already started {first.id}, an instance of "
                    f"'{first.workflow_id}' v{first.workflow_version}; use a new key to start '{workflow_id}'"
                    + ("" if version is None else f" v{version}"))
        return (f"the idempotency key '{idempotency_key}' already started {first.id} with another context or by "
                "another actor; use a new key for this start")

    def work(tx: Transaction, eager: InlineFold | None) -> InstanceView:
        repeated = kept_response(tx, scope, idempotency_key, asked, reused)
        if repeated is not None:
            if another_version(repeated):
                raise InvalidInput(reused(repeated))  # a receipt kept before requests were recorded
            return repeated
        compiled = rt.deployments.compiled(tx, workflow_id, version)
        check_context(compiled.workflow.context, context)
        now = rt.clock.now()
        created = rt.writer.create(tx, compiled, context, tenant=tenant, now=now, actor=actor)
        view = instance_view(_folded(tx, created, eager))
        keep_response(tx, scope, idempotency_key, view, now=now, request=asked)
        return view

    return Prepared(rt, work)


def prepare_send(rt: Runtime, instance_id: str, event: str, payload: Any, *, actor: str | None,
                 idempotency_key: str | None, expected_version: int | None,
                 tenant: str | None = None) -> Prepared[InstanceView]:
    """A send: the event applied — with a fold, and the inline tasks the instance enters run."""
    scope = f"send:{instance_id}"
    asked = request_digest(idempotency_key, event=event, payload=payload, actor=actor)

    def work(tx: Transaction, eager: InlineFold | None) -> InstanceView:
        instance = load_instance(tx, instance_id, lock=True)  # first: another tenant learns nothing, a kept reply too
        if tenant is not None and (instance.tenant != tenant or instance.branch):
            raise InstanceNotFound(f"no instance '{instance_id}'")
        repeated = kept_response(tx, scope, idempotency_key, asked)
        if repeated is not None:
            return repeated
        if expected_version is not None and instance.version != expected_version:
            raise ConcurrencyConflict(
                f"the instance {instance_id} is at version {instance.version}, not {expected_version}"
            )
        compiled = rt.writer.compiled_for(tx, instance)
        state = compiled.states.get(instance.state)
        owned = RUNTIME_EVENTS.get(state.type, frozenset()) if state is not None else frozenset()
        if event.startswith("("):  # (start), (auto), (cancel), (redrive): the engine's own moves
            raise TransitionNotAllowed(event, instance.state, "the engine makes this move itself; "
                                       "use cancel or redrive")
        held = instance.status == HELD and event in HELD_DECISIONS
        if event in owned or held:
            raise TransitionNotAllowed(event, instance.state,
                                       whose_event(None if state is None else state.type, held=held))
        now = rt.clock.now()
        moved = take_step(rt, tx, instance, Event(event, payload, actor), now=now)
        view = instance_view(_folded(tx, moved, eager))
        keep_response(tx, scope, idempotency_key, view, now=now, request=asked)
        return view

    return Prepared(rt, work, retry_conflicts=expected_version is None)


def cancel_instance(rt: Runtime, instance_id: str, *, actor: str | None) -> InstanceView:
    """Cancel an instance and, with it, every child still running."""

    def work(tx: Transaction) -> InstanceView:
        instance = load_instance(tx, instance_id, lock=True)
        if instance.status in TERMINAL:
            raise TransitionNotAllowed("cancel", instance.state, f"the instance has ended ({instance.status})")
        return instance_view(rt.writer.cancel(tx, instance, now=rt.clock.now(), actor=actor))

    return rt.write(work)
