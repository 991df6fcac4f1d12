"""Finishing an action job: retry it later, or apply its `done`/`error` exactly once.

"Exactly once" rests on two guards in the one transaction: the job is finished only by the worker that holds
its lease (a worker whose lease lapsed and was taken over finishes nothing), and the transition applies only
if the instance still sits in the task at the version that started it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from engine import tracing
from engine.definition import Agent
from engine.runtime.action_outcome import ActionOutcome
from engine.runtime.actions import ActionRequest, Cost
from engine.runtime.core import Runtime
from engine.runtime.costs import record_cost
from engine.runtime.job_payloads import ActionPayload, action_payload
from engine.runtime.json_types import json_copy
from engine.runtime.memory import SharedMemory
from engine.runtime.retries import MAX_RETRY_AFTER_S, RetryPlan, parse_rules, plan_retry
from engine.runtime.snapshot import Event
from engine.runtime.step import still_at, take_step
from storage.attempt_spend import AttemptSpendStore
from storage.attempts import AttemptRecord, AttemptStore
from storage.instances import InstanceRecord, InstanceStore
from storage.jobs import JobRecord, JobStore
from storage.statuses import AttemptOutcome, JobStatus
from storage.transaction import Transaction

__all__ = ["action_request", "finish_action"]

log = logging.getLogger("statewright.worker")


def action_request(job: JobRecord, payload: ActionPayload, instance: InstanceRecord, agent: Agent | None = None,
                   *, memory: SharedMemory | None = None,
                   spend_reporter: Callable[[Cost], None] | None = None) -> ActionRequest:
    """The handler's request (`payload`: the job's, as `action_payload` reads it). Its context is its own copy:
    the worker decides the task's `done` on `instance` as claimed, so a handler writing into the dict it was
    given (or one that overran its timeout, still writing after the instance moved on) would otherwise change the
    instance with no transition saying so. Its input is the job's own, not copied again: made afresh from the
    task's input mapping as the task was entered (or decoded from the job's row), and read by nothing once the
    handler has it — the job's row keeps its text."""
    return ActionRequest(
        action=payload["action"], input=payload["input"], context=json_copy(instance.context),
        attempt=job.attempt,
        idempotency_key=payload.get("idempotency_key", job.idempotency_key), instance_id=instance.id,
        workflow_id=instance.workflow_id, state=payload["state"], tenant=instance.tenant, agent=payload["agent"],
        agent_definition=agent, memory=None if memory is None else memory.instance_memory(instance),
        output_schema=payload.get("output_schema"), budget_limit=payload.get("budget_limit"),
        trace_context=payload.get("trace"),
        retry=parse_rules(payload.get("retry")), last_error=job.last_error, timeout_s=payload.get("timeout_s"),
        spend_reporter=spend_reporter,
    )


def _error(outcome: ActionOutcome, attempt: int) -> dict[str, Any]:
    found: dict[str, Any] = {"kind": outcome.error_kind, "message": outcome.error_message, "attempts": attempt}
    if outcome.error_kind == "budget_exceeded" and outcome.cost is not None:
        found["cost"] = outcome.cost.amount
    return found


def _within_budget(outcome: ActionOutcome, limit: float | None, agent: str | None) -> ActionOutcome:
    """An action that cost more than its agent's `budget_limit` fails (not retried): its output is not used,
    its cost is still recorded."""
    if outcome.cost is None or limit is None or outcome.cost.amount <= limit or outcome.failed:
        return outcome
    message = (f"the action cost {outcome.cost.amount:g}, more than the budget limit of the agent "
               f"'{agent}' ({limit:g}) for one task")
    return replace(outcome, output=None, error_kind="budget_exceeded", error_message=message, retryable=False)


def _record_attempt(tx: Transaction, job: JobRecord, payload: ActionPayload, outcome: ActionOutcome,
                    result: AttemptOutcome, *, now: float) -> None:
    assert job.instance_id is not None
    failed = result is not AttemptOutcome.DONE  # a retry or an error: the outcome failed
    error = {"kind": outcome.error_kind, "message": outcome.error_message} if failed else None
    AttemptStore(tx).record(AttemptRecord(
        job.instance_id, payload["seq"], job.attempt, payload["state"], payload["action"], payload.get("agent"),
        result, error, list(outcome.steps), None if outcome.cost is None else outcome.cost.amount, now,
    ))
    if outcome.cost is not None and not job.unsent:  # the whole cost is recorded: the running tally is done with
        AttemptSpendStore(tx).forget(job.id, job.attempt)


def _record_spend(tx: Transaction, job: JobRecord, outcome: ActionOutcome, instance: InstanceRecord | None,
                  now: float) -> None:
    """Record the cost of an attempt that moves no instance on (retried, or its task left meanwhile): the
    money was spent, and the tenant's budget must count it."""
    if outcome.cost is None or job.instance_id is None:
        return
    found = instance if instance is not None else InstanceStore(tx).get(job.instance_id)
    if found is not None:
        payload = action_payload(job)
        record_cost(tx, found, state=payload["state"], action=payload["action"], agent=payload["agent"],
                    cost=outcome.cost, now=now)


def _record_left(tx: Transaction, job: JobRecord, payload: ActionPayload, owner: str, outcome: ActionOutcome, *,
                 result: AttemptOutcome, instance: InstanceRecord | None, now: float) -> None:
    """Record an attempt whose job was cancelled while it ran, by this owner — its task was left meanwhile (a
    cancel, another event): it ran all the same, and what it spent counts against the budget."""
    if JobStore(tx).release_cancelled(job.id, owner=owner, now=now):
        _record_attempt(tx, job, payload, outcome, result, now=now)
        _record_spend(tx, job, outcome, instance, now)


def _planned_retry(rt: Runtime, job: JobRecord, payload: ActionPayload, outcome: ActionOutcome) -> RetryPlan | None:
    """The retry of a failed attempt, if its task's rules give one — and the failure said in the log, as a warning:
    an operator tailing a worker (or shipping its log) sees a provider failing while it fails, not only once
    instances have ended failed. A retry says when; the last attempt says the task's `error` is taken."""
    plan = plan_retry(parse_rules(payload.get("retry")), outcome.error_kind or "error", outcome.retryable,
                      attempt=job.attempt, last_error=job.last_error, rng=rt.rng)
    message = (outcome.error_message or "")[:300]
    if plan is not None:
        wait = max(plan.delay_s, min(outcome.retry_after_s or 0.0, MAX_RETRY_AFTER_S))
        log.warning("the action '%s' of %s in '%s' failed (%s, attempt %d): %s; tried again in %.1f s",
                    payload["action"], job.instance_id, payload["state"], outcome.error_kind, job.attempt, message,
                    wait)
    else:
        log.warning("the action '%s' of %s in '%s' failed (%s, attempt %d, not tried again): %s; the task ends "
                    "with its error", payload["action"], job.instance_id, payload["state"], outcome.error_kind,
                    job.attempt, message)
    return plan


def finish_action(rt: Runtime, tx: Transaction, job: JobRecord, owner: str, outcome: ActionOutcome, *,
                  instance: InstanceRecord | None = None, batched: bool = False) -> InstanceRecord | None:
    """Record the outcome of one attempt: the instance after the step if it moved the instance on, else None.
    `instance`: the job's instance as the caller read it (when it claimed the job, or as the step before left
    it), else it is read (and locked) here; a stale one is caught by
    the version guard of the instance update, which fails the transaction. `batched`: one of many outcomes in
    this transaction (group commit) — the job's lease is then checked when the transaction's writes are sent,
    so the batch costs one statement per kind of write rather than per job; a lost lease or a stale instance
    fails the whole transaction, and the caller finishes its jobs one by one instead."""
    now = rt.clock.now()
    payload = action_payload(job)
    jobs = JobStore(tx)
    if outcome.cost is not None:  # only a cost can break the agent's budget limit
        outcome = _within_budget(outcome, payload.get("budget_limit"), payload.get("agent"))
    failed = outcome.failed  # asked once: a property, read at each of the places below
    plan = _planned_retry(rt, job, payload, outcome) if failed else None
    if plan is not None:
        due = now + max(plan.delay_s, min(outcome.retry_after_s or 0.0, MAX_RETRY_AFTER_S))
        failure = {**_error(outcome, job.attempt), "rule": plan.rule, "retries": list(plan.retries)}
        if job.unsent:  # taken from this transaction's own writes: written once, ready for its next attempt
            jobs.settle_unsent(job, status=JobStatus.READY, now=now, error=failure, attempt=job.attempt + 1,
                               due_at=due)
            _record_attempt(tx, job, payload, outcome, AttemptOutcome.RETRY, now=now)
            _record_spend(tx, job, outcome, instance, now)
        elif jobs.retry_later(job.id, owner=owner, attempt=job.attempt + 1, due_at=due, error=failure, now=now):
            _record_attempt(tx, job, payload, outcome, AttemptOutcome.RETRY, now=now)
            _record_spend(tx, job, outcome, instance, now)
        else:
            _record_left(tx, job, payload, owner, outcome, result=AttemptOutcome.ERROR, instance=instance, now=now)
        return None
    status = JobStatus.FAILED if failed else JobStatus.DONE
    error = _error(outcome, job.attempt) if failed else None
    if job.unsent:
        jobs.settle_unsent(job, status=status, now=now, error=error)
    elif not jobs.finish(job.id, owner=owner, status=status, now=now, error=error, defer=batched):
        # our lease lapsed and another worker holds the job (it will finish it), or the task was left meanwhile
        _record_left(tx, job, payload, owner, outcome, result=AttemptOutcome.ERROR if failed else AttemptOutcome.DONE,
                     instance=instance, now=now)
        return None
    _record_attempt(tx, job, payload, outcome, AttemptOutcome.ERROR if failed else AttemptOutcome.DONE, now=now)
    assert job.instance_id is not None
    if instance is None:
        instance = InstanceStore(tx).get_for_update(job.instance_id)
    if instance is None or not still_at(instance, payload["seq"], payload["state"]):
        if instance is not None:
            _record_spend(tx, job, outcome, instance, now)  # spent all the same
        return None  # the instance left the task meanwhile (cancelled, or moved on by another event)
    amount = None
    if outcome.cost is not None:
        amount = record_cost(tx, instance, state=payload["state"], action=payload["action"], agent=payload["agent"],
                             cost=outcome.cost, now=now)
    event = Event("error", error, system=True) if failed else Event("done", outcome.output, system=True)
    trace = payload.get("trace")
    if trace is None:  # most jobs: no trace to join, and no context manager to set up
        return take_step(rt, tx, instance, event, now=now, cost=amount)
    with tracing.attached(trace):
        return take_step(rt, tx, instance, event, now=now, cost=amount)
