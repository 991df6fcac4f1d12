"""Folding inline tasks into the transaction that entered them: the one implementation a worker (after a batch
of outcomes) and `engine.start`/`engine.send` (eager inline tasks) share.

An inline task (`HandlerRegistry`'s doc) is run, and its outcome recorded, in the transaction whose step entered
it — and so on while its instance enters more: a chain of inline tasks commits once. Each task is run and
finished as any job is (its attempt, its history row, its retries planned), its job taken from the transaction's
own unsent writes (`JobStore.take_unsent`) rather than read back: its row is written once, as it ended, beside
its instance's one update. A chain stops at a task that is not inline (or whose handler this process does not
have), at a retry (its job is queued for its next attempt, as a worker's would be), after FOLD_DEPTH tasks, or
once the transaction has spent its time budget on inline tasks (it holds SQLite's write lock): the next task then
waits, queued, for a worker. If the transaction does not commit, none of it happened."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from engine.runtime.action_jobs import action_request, finish_action
from engine.runtime.action_outcome import ActionOutcome
from engine.runtime.action_runner import ActionRunner, Call
from engine.runtime.actions import ActionError, ActionHandler, ActionRequest, Cost
from engine.runtime.context_schema import schema_problems
from engine.runtime.core import Runtime
from engine.runtime.job_payloads import action_payload
from engine.runtime.memory import SharedMemory
from engine.runtime.writer import action_job_key
from storage.instances import InstanceRecord
from storage.jobs import JobRecord, JobStore
from storage.transaction import Transaction

__all__ = ["FOLD_BUDGET_S", "FOLD_DEPTH", "GONE", "SLOW_INLINE_S", "InlineFold", "action_call", "run_inline"]

FOLD_DEPTH = 64  # inline tasks of one instance run in one transaction, at most
# no inline task starts after the transaction spent this long on them (it holds SQLite's write lock)
FOLD_BUDGET_S = 0.05
SLOW_INLINE_S = 0.25  # an inline action slower than this is said in the log (once per action and process)
_SLOW_SAID: set[str] = set()
log = logging.getLogger("statewright.worker")
GONE = ActionOutcome(error_kind="instance_missing", error_message="the instance no longer exists", retryable=False)


def run_inline(runner: ActionRunner, call: Call) -> ActionOutcome:
    """An inline action, on this thread; one that overran its timeout fails with kind 'timeout' (its timeout is
    checked when it returns, not enforced while it runs). One that took longer than `SLOW_INLINE_S` is logged, once
    per action: it held the transaction — on SQLite the write lock every other writer waits for — while it ran."""
    handler, request, timeout_s = call
    begun = time.monotonic()
    outcome = runner.run(handler, request, None)
    took = time.monotonic() - begun
    if took > SLOW_INLINE_S and request.action not in _SLOW_SAID:
        _SLOW_SAID.add(request.action)
        log.warning("the inline action '%s' took %.2f s: an inline action must answer at once, since it runs inside "
                    "the transaction of the step before it (on SQLite every other writer, in any process, waited "
                    "for it); register it without inline=True if it calls anything that can be slow",
                    request.action, took)
    if timeout_s is not None and took > timeout_s and not outcome.failed:
        return ActionOutcome(error_kind="timeout", steps=outcome.steps, cost=outcome.cost,
                             error_message=f"the action '{request.action}' did not finish within {timeout_s} s")
    return outcome


def action_call(rt: Runtime, job: JobRecord, instance: InstanceRecord | None, memory: SharedMemory,
                tx: Transaction | None = None, *, spend: Callable[[Cost], None] | None = None) -> Call | None:
    """The handler, request and timeout of an action job (`tx`: the caller's open transaction; `spend`: where
    `report_spend` keeps its running spend — none for a task folded into a transaction, which writes nothing of
    its own while that transaction holds the database); None when its instance no longer exists."""
    if instance is None:
        return None
    payload = action_payload(job)
    agent_id, version = payload["agent"], payload.get("agent_version")
    agent = rt.deployments.agents.version(agent_id, version, tx) if agent_id and version else None
    request = action_request(job, payload, instance, agent, memory=memory, spend_reporter=spend)
    handler = rt.handlers.get(request.action)
    schema = rt.handlers.input_schema(request.action)
    if schema is not None and handler is not None:
        problems = schema_problems(schema, request.input)
        if problems:
            handler = _refusing(request.action, problems)
    return (handler, request, payload.get("timeout_s"))


def _refusing(action: str, problems: list[str]) -> ActionHandler:
    """In place of the handler of an action whose input does not fit its `input_schema`: fails the task with kind
    `validation`, not retried (the same input would not fit the next time)."""
    message = (f"the input given to the action '{action}' does not fit the input schema it was registered with "
               f"(pointers within the input): {'; '.join(problems)}")

    def refuse(_: ActionRequest) -> None:
        raise ActionError("validation", message, retryable=False)

    return refuse


@dataclass
class InlineFold:
    """What folding needs: the lease owner its jobs are held for (in memory only: they are written as they end),
    the lease they are held with, how an inline action is run, the shared memory handlers see, and the time budget
    (`budget_s`, counted on `clock`)."""

    rt: Runtime
    owner: str
    lease_s: float
    run: Callable[[Call], ActionOutcome]
    memory: SharedMemory
    budget_s: float = FOLD_BUDGET_S
    clock: Callable[[], float] = field(default=time.monotonic)

    @property
    def wanted(self) -> bool:
        """Whether any handler of this process is inline (else nothing can fold, and nothing is looked at)."""
        return self.rt.handlers.has_inline

    def instances(self, tx: Transaction, moved: Sequence[InstanceRecord]) -> None:
        """Run the chains of the instances in `moved` (a worker's batch): each to its end before the next begins,
        and none begins once the budget is spent — the instances not reached then wait with their next task
        queued, while those reached have ended, rather than every one stopped half-way, each then claimed, read
        and updated once more."""
        if not self.wanted:
            return
        stop_at = self.clock() + self.budget_s
        for after in sorted(moved, key=lambda a: a.id):  # one lock order for all
            if self.clock() > stop_at:
                return
            self.chain(tx, after, stop_at)

    def chain(self, tx: Transaction, after: InstanceRecord, stop_at: float | None = None) -> InstanceRecord:
        """One instance's chain of inline tasks, from the step that left it as `after` (`stop_at`: the end of the
        budget, on `clock`; None: `budget_s` from now). The instance as the chain left it (`after` when no task
        ran, or the last one ran is to be retried)."""
        if not self.wanted:
            return after
        stop_at = self.clock() + self.budget_s if stop_at is None else stop_at
        handlers = self.rt.handlers
        for _ in range(FOLD_DEPTH):
            now = self.rt.clock.now()
            # the job a step entering a task enqueued is keyed by the step's seq, the last of its decision
            jobs = JobStore(tx).take_unsent([action_job_key(after.id, after.version)], owner=self.owner, now=now,
                                            lease_s=self.lease_s, wanted=handlers.is_inline)
            if not jobs:
                return after
            job = jobs[0]
            call = action_call(self.rt, job, after, self.memory, tx)
            outcome = GONE if call is None else self.run(call)
            moved = finish_action(self.rt, tx, job, self.owner, outcome, instance=after, batched=True)
            if moved is None or self.clock() > stop_at:  # retried (or left), or out of time: the next task waits
                return after if moved is None else moved
            after = moved
        return after
