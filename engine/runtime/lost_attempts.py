"""Attempts lost with their worker. A worker renews the leases of the jobs it runs (its heartbeat); when one
dies, its leases lapse and another worker takes the jobs up — and the attempt that was running counts, recorded
with the outcome `lost`, so an action that kills its worker cannot be retried forever.

A task may lose as many attempts as the most generous of its retry rules' `max_attempts` allows (whatever kinds
the rules name: a dead worker is not an error of the action's kind), a task without retries
`LOST_ATTEMPTS_WITHOUT_RETRY`. A lost attempt also counts against that most generous rule's own retries, as a
failed one would: a task with one rule of `max_attempts` 3 runs its action at most 3 times, lost ones included.
When the last is lost the task fails with the error kind `lost` through its
`error` transition — or, with none, the instance is marked `stuck` where it is and waits for an operator
(Camunda's incident).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from engine import tracing
from engine.runtime.core import Runtime
from engine.runtime.costs import record_cost
from engine.runtime.job_payloads import JobKind, action_payload
from engine.runtime.retries import parse_rules, rule_counts
from engine.runtime.snapshot import Event
from engine.runtime.spend_tally import lost_spend
from engine.runtime.step import still_at, take_step
from storage.attempts import AttemptRecord, AttemptStore
from storage.instances import InstanceRecord, InstanceStore
from storage.jobs import JobRecord, JobStore
from storage.statuses import AttemptOutcome, JobStatus
from storage.transaction import Transaction

__all__ = ["LOST", "LOST_ATTEMPTS_WITHOUT_RETRY", "attempt_limit", "end_lost_task", "out_of_attempts",
           "record_lost_attempt"]

LOST = "lost"  # the error kind of an attempt lost with its worker (its outcome: AttemptOutcome.LOST)
LOST_ATTEMPTS_WITHOUT_RETRY = 3  # in all: a worker's crash is tried again twice


def attempt_limit(job: JobRecord) -> int:
    """How many attempts the job's task has in all, lost ones included: the most any of its retry rules allows."""
    rules = parse_rules(action_payload(job).get("retry"))
    return max(rule.max_attempts for rule in rules) if rules else LOST_ATTEMPTS_WITHOUT_RETRY


def _lost_attempt(job: JobRecord) -> int:
    """The attempt a reclaimed job lost. Never past the limit: a job reclaimed again after that was not run
    again, only its worker died while ending the task."""
    return min(job.attempt - 1, attempt_limit(job))


def out_of_attempts(job: JobRecord) -> bool:
    """A job reclaimed after its lease lapsed whose lost attempt was its task's last."""
    return job.reclaimed and job.kind == JobKind.ACTION and job.attempt - 1 >= attempt_limit(job)


def _lost(job: JobRecord) -> dict[str, Any]:
    return {"kind": LOST, "message": f"the worker running attempt {_lost_attempt(job)} of the action "
            f"'{action_payload(job)['action']}' stopped before it finished (its lease lapsed)"}


def record_lost_attempt(tx: Transaction, job: JobRecord, now: float) -> JobRecord:
    """Record the attempt a reclaimed action job lost with its worker (in history, with the outcome `lost`;
    recorded once, however often the job was reclaimed for it), with what it reported spending before its worker
    died (`spend_tally`), and count it against the most generous retry rule; the job as its next outcome must
    read it."""
    job = _counted(tx, job)
    payload = action_payload(job)
    assert job.instance_id is not None
    lost = _lost_attempt(job)
    spent = lost_spend(tx, job, lost)  # what it reported spending before its worker died: paid all the same
    AttemptStore(tx).record(AttemptRecord(
        job.instance_id, payload["seq"], lost, payload["state"], payload["action"],
        payload.get("agent"), AttemptOutcome.LOST, _lost(job), [], None if spent is None else spent.amount, now,
    ))
    instance = None if spent is None else InstanceStore(tx).get(job.instance_id)
    if spent is not None and instance is not None:
        record_cost(tx, instance, state=payload["state"], action=payload["action"], agent=payload.get("agent"),
                    cost=spent, now=now)
    return job


def _counted(tx: Transaction, job: JobRecord) -> JobRecord:
    rules = parse_rules(action_payload(job).get("retry"))
    if not rules or job.lease_owner is None:
        return job
    widest = max(range(len(rules)), key=lambda i: rules[i].max_attempts)
    counts = rule_counts(job.last_error, len(rules), job.attempt - 1)
    counts[widest] += 1
    error = {**(job.last_error if isinstance(job.last_error, dict) else {}), "retries": counts}
    JobStore(tx).note_error(job.id, owner=job.lease_owner, error=error)
    return replace(job, last_error=error)


def end_lost_task(rt: Runtime, tx: Transaction, job: JobRecord, owner: str) -> InstanceRecord | None:
    """The task of a job `out_of_attempts`: fail the job and take the task's error path, or mark the instance
    stuck. The instance after; None if the job or the instance moved on meanwhile (another worker, a cancel)."""
    now = rt.clock.now()
    attempts = _lost_attempt(job)
    error = {**_lost(job), "attempts": attempts,
             "message": f"{_lost(job)['message']}; all {attempts} attempts were lost with their workers"}
    assert job.instance_id is not None
    instance = InstanceStore(tx).get_for_update(job.instance_id)  # the instance's row first, as on every path
    if not JobStore(tx).finish(job.id, owner=owner, status=JobStatus.FAILED, now=now, error=error):
        return None
    payload = action_payload(job)
    if instance is None or not still_at(instance, payload["seq"], payload["state"]):
        return None
    with tracing.attached(payload.get("trace")):
        return take_step(rt, tx, instance, Event("error", error, system=True, escalates=True), now=now)
