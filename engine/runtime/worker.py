"""The worker: claims jobs with a short lease it renews while it runs them (its heartbeat), runs actions,
resumes parents, delivers events, fires due timers and cron schedules. Any number of workers — threads or
processes — may share one database; the jobs of one that dies are taken up by another when their leases
lapse, their lost attempts counted. Nor need they share their handlers: with a grace window (`handler_grace_s`),
a worker hands back an action job it has no handler for, for one that has it (`engine.runtime.hand_backs`).

Run one as a process with `statewright worker --db URL` or `python -m engine.runtime.worker --db URL`.

A worker's loops stop when its engine closes (`engine.runtime.worker_loops`). A worker belongs to the process that
made it: its threads (handlers, heartbeat, quick lane) do not go on in a process forked from that one, where it
refuses to work rather than hand calls to threads that are not there; a child makes its own.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import Future
from functools import partial

from engine.errors import StatewrightError, StorageError
from engine.runtime.action_jobs import finish_action
from engine.runtime.action_outcome import ActionOutcome
from engine.runtime.action_runner import SETTLE_S, ActionRunner, Call, Flight
from engine.runtime.actions import ActionRequest
from engine.runtime.child_jobs import resume_parent
from engine.runtime.core import Runtime
from engine.runtime.events import deliver_event
from engine.runtime.fold import GONE, InlineFold, action_call, run_inline
from engine.runtime.hand_backs import HandBacks
from engine.runtime.heartbeat import Heartbeat, lease_for
from engine.runtime.job_payloads import JobKind, action_payload, child_done_payload, deliver_payload
from engine.runtime.lost_attempts import end_lost_task, out_of_attempts, record_lost_attempt
from engine.runtime.memory import SharedMemory
from engine.runtime.notice_deliveries import NoticeDeliveries
from engine.runtime.notice_jobs import DELIVERY_JOB, NOTICE_JOB, expand_notice
from engine.runtime.quick_lane import QuickLane
from engine.runtime.schedules import fire_due_schedules, next_schedule_due
from engine.runtime.snapshot import STUCK
from engine.runtime.spend_tally import spend_reporter
from engine.runtime.timers import fire_next_timer, next_timer_due
from storage.instances import InstanceRecord, InstanceStore
from storage.jobs import JobRecord, JobStore
from storage.records import record
from storage.sqlite_file import file_replaced
from storage.statuses import JobStatus
from storage.timers import TimerStore
from storage.transaction import Transaction

__all__ = ["Worker"]

log = logging.getLogger("statewright.worker")
SCHEDULE_RECHECK_S = 5.0
MEMORY_SWEEP_S = 60.0
# the longest a round waits for actions in flight before it fires due timers and claims into free slots again
ROUND_S = 1.0
# How long a quick action (`ActionRunner.runs_here`: under 2 ms on average so far, no timeout) may run before the
# worker lets it go and goes on, carrying it as an action in flight (`engine.runtime.quick_lane`): 500 times what
# a quick action takes at most on average, so one that runs that long is no quick action any more, and what a
# round already waits for actions in flight, so a hung handler holds the worker's timers and claims back no longer
OVERRUN_S = ROUND_S
# A job taken up after its lease lapsed runs alone (it may be what killed its worker) for this many leases at most:
# one that has run that long without killing this worker hangs rather than kills, and must not hold every other
# job back for as long as it hangs (a handler without a timeout may never return)
SUSPECT_LEASES = 2
# how often a worker looks whether its SQLite file is still the one at its path (a `stat`)
FILE_CHECK_S = 2.0


@record
class _Claimed:
    job: JobRecord
    instance: InstanceRecord | None


class _Outage:
    """The worker's words while its database does not answer (a server refusing connections, restarting): the
    first failure and then one line a minute, each on one line with the database's reason, and a line when it
    answers again — not a traceback every poll."""

    EVERY_S = 60.0

    def __init__(self) -> None:
        self.since: float | None = None
        self.said_at = 0.0

    def seen(self, exc: StorageError, poll_s: float) -> None:
        now = time.monotonic()
        if self.since is None:
            self.since, self.said_at = now, now
            log.warning("the database does not answer (%s); trying again every %g s", exc, poll_s)
        elif now - self.said_at >= self.EVERY_S:
            self.said_at = now
            log.warning("the database has not answered for %.0f s (%s); still trying", now - self.since, exc)

    def over(self) -> None:
        if self.since is not None:
            log.warning("the database answers again after %.0f s", time.monotonic() - self.since)
            self.since = None


class Worker:
    """One worker identity (its lease owner name) over a runtime. It renews the leases of the jobs it runs every
    `heartbeat_s` (default: the runtime's), each lease lasting `LEASE_HEARTBEATS` heartbeats.

    `handler_grace_s`: how long an action job whose handler this process lacks waits, handed back, for a worker
    that has it (`engine.runtime.hand_backs`), before this worker fails it with `unknown_action`. 0, the default:
    at once — a worker driven by the process that started the instances (`Engine.run_until_idle`, `statewright
    run`), where a hand-back could help no one; the worker processes that share a database are given
    `DEFAULT_HANDLER_GRACE_S` (`Engine.run_worker`, `statewright worker`, `statewright serve`)."""

    def __init__(self, rt: Runtime, *, batch: int = 32, owner: str | None = None,
                 runner: ActionRunner | None = None, heartbeat_s: float | None = None,
                 handler_grace_s: float = 0.0) -> None:
        self.rt = rt
        self.batch = batch
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.runner = runner or ActionRunner(threads=max(batch, 1))
        self.quick = QuickLane(self.runner)  # the thread quick batches run on, which lets go of a call that overruns
        self.heartbeat = Heartbeat(rt, self.owner, rt.heartbeat_s if heartbeat_s is None else heartbeat_s)
        self.lease_s = lease_for(self.heartbeat.every_s)
        self._cron_due: float | None = None
        self._cron_checked = float("-inf")
        self.memory = SharedMemory(rt.store, rt.clock)
        self._memory_swept = float("-inf")
        # the inline tasks its outcomes' steps enter, run in the transaction that records those outcomes
        self.fold = InlineFold(rt, self.owner, self.lease_s, partial(run_inline, self.runner), self.memory)
        # the earliest armed timer as the last claim saw it (-inf: not looked yet, so the first round looks)
        self._timer_due: float | None = float("-inf")
        self._running: tuple[JobRecord, ...] = ()  # the action jobs run on this thread now, their outcomes to commit
        # the action jobs running on the runner's threads, across rounds, their outcomes committed as they end
        self._flight: Flight[int] = Flight(self.runner)
        self._flying: dict[int, _Claimed] = {}
        self._flown_at: dict[int, float] = {}  # when each action in flight began (by the runtime's clock)
        self.hand_backs = HandBacks(rt, handler_grace_s)
        self.handed_back = 0  # how many action jobs this worker has handed back, for a worker with their handler
        # the approval notices it sends, each on a thread of its own: a receiver that hangs holds back nothing else
        self.notices = NoticeDeliveries(rt, self.owner, self.heartbeat, self.lease_s)
        self._pid = os.getpid()  # the process whose threads it has (see the module's doc)

    def _in_its_process(self) -> None:
        """Refuse to work in a process forked from the one that made this worker: its threads are not there."""
        if os.getpid() != self._pid:
            raise RuntimeError(f"this worker was made in process {self._pid}, which this one was forked from: a "
                               "worker's threads do not go on in a forked process; make one in this process "
                               "(Engine.worker(), Engine.run_worker(), Engine.run_until_idle())")

    # --- jobs -----------------------------------------------------------------------------------------
    def claim(self, limit: int | None = None) -> list[_Claimed]:
        """Lease up to `limit` runnable jobs to this worker (with the instances of action jobs). An action job
        whose lease lapsed comes back as its next attempt; the one lost with its worker is recorded. Such a job
        comes alone, and only to a worker with nothing in flight (`JobStore.claim`): it may be what killed its
        worker, and must not take other jobs' attempts with it if it does so again. An action job whose handler
        this process lacks is handed back in the same transaction, within the grace window, and not returned.

        On PostgreSQL the claim commits without waiting for its WAL to reach the disk: a server crash may then
        forget it (with the lost attempt it recorded), and the jobs are simply ready again — as if this worker
        had died — while anything this worker commits later flushes the claim first (the WAL is written in
        order). An action's outcome, and every transition, still commits durably."""
        return self._claim(limit)[0]

    def _claim(self, limit: int | None) -> tuple[list[_Claimed], int]:
        """`claim`, and how many jobs it handed back."""
        self._in_its_process()
        now = self.rt.clock.now()

        def work(tx: Transaction) -> tuple[list[_Claimed], int]:
            if tx.postgresql:  # a lease need not outlive a crash of the server (see `claim`'s doc)
                tx.later("SET LOCAL synchronous_commit = off")  # sent with the claim, in its round trip
            timer_due = TimerStore(tx).next_due_later()  # the round's look at the timers, in the same transaction
            if self._flying:  # their leases renewed first: a lease that lapsed meanwhile (a heartbeat held up) must
                # not bring this worker's own action back to it as a lost attempt while it still runs
                JobStore(tx).renew_leases(sorted(self._flying), owner=self.owner, until=now + self.lease_s)
            jobs = JobStore(tx).claim(owner=self.owner, now=now, lease_s=self.lease_s, limit=limit or self.batch,
                                      lapsed=not self._holding)
            jobs = [record_lost_attempt(tx, job, now)
                    if job.reclaimed and job.kind == JobKind.ACTION and job.instance_id else job for job in jobs]
            claimed = _with_instances(tx, jobs)
            self._timer_due = timer_due()
            return self._without_handed_back(tx, claimed, now)

        claimed, handed_back = self.rt.write(work)
        self.handed_back += handed_back
        return claimed, handed_back

    def claim_ready(self, job_ids: Sequence[int]) -> list[_Claimed]:
        """Lease these jobs to this worker, those of them still runnable (`JobStore.claim_one`): the jobs of one
        family of instances, read ready and due by a command that drives only its own
        (`engine.runtime.example_run`). Handed back, as `claim` does, when this process has no handler for them."""
        self._in_its_process()
        now = self.rt.clock.now()

        def work(tx: Transaction) -> tuple[list[_Claimed], int]:
            jobs = JobStore(tx)
            taken = [job for job_id in job_ids
                     if (job := jobs.claim_one(job_id, owner=self.owner, now=now, lease_s=self.lease_s)) is not None]
            return self._without_handed_back(tx, _with_instances(tx, taken), now)

        claimed, handed_back = self.rt.write(work)
        self.handed_back += handed_back
        return claimed

    def _without_handed_back(self, tx: Transaction, claimed: list[_Claimed],
                             now: float) -> tuple[list[_Claimed], int]:
        """The claimed jobs less those handed back — the action jobs to run (not ended as gone or lost) whose
        handler this process lacks — and how many were."""
        back = self.hand_backs.hand_back(
            tx, [c.job for c in claimed if c.instance is not None and not out_of_attempts(c.job)],
            owner=self.owner, now=now)
        return [c for c in claimed if c.job.id not in back] if back else claimed, len(back)

    def execute(self, claimed: Sequence[_Claimed]) -> int:
        """Run the claimed jobs, their leases renewed meanwhile, and commit the outcomes of their actions (together:
        group commit), waiting for every one to end, and for every notice delivery (the worker's own rounds do not:
        `run_once`). A task whose last attempt was lost with its worker is not run again but ended. How many."""
        taken = self._take(claimed)
        self.drain()
        self.notices.wait()
        return taken

    def _take(self, claimed: Sequence[_Claimed]) -> int:
        """Run the claimed jobs: notice deliveries started on their own threads first (`self.notices` records their
        outcomes), actions that run on this thread (inline, quick) to their end, the others started in flight
        (`_land` commits their outcomes). How many."""
        with self.heartbeat.holding(item.job.id for item in claimed):
            self._deliver([item.job for item in claimed if item.job.kind == DELIVERY_JOB])
            actions = []
            for item in claimed:
                if item.job.kind == DELIVERY_JOB:
                    continue
                if item.job.kind != JobKind.ACTION:
                    self._other(item.job)
                elif out_of_attempts(item.job):
                    self._end_lost(item.job)
                else:
                    actions.append(item)
            if actions:
                self._running = tuple(item.job for item in actions)
                try:
                    self._start_actions(actions)
                finally:
                    self._running = ()
        return len(claimed)

    @property
    def in_hand(self) -> tuple[JobRecord, ...]:
        """The action jobs this worker runs now (their handlers called or about to be, their outcomes not yet
        committed); empty when none is. Read from another thread or a signal handler: what to say, and what an
        interruption would abandon."""
        return self._running + tuple(item.job for item in list(self._flying.values()))

    def _may_hang(self, job_id: int, item: _Claimed, now: float) -> bool:
        """Whether an action in flight may be hanging for good: it has run `SUSPECT_LEASES` leases and nothing
        bounds it — it has no timeout, or it was taken up after its lease lapsed (suspected of killing its worker,
        it has not). Such a job holds back no other: the worker claims beside it again (`_holding`, said once a
        job)."""
        if now - self._flown_at.get(job_id, now) < SUSPECT_LEASES * self.lease_s:
            return False
        if not item.job.reclaimed and action_payload(item.job).get("timeout_s") is not None:
            return False
        if ("may_hang", job_id) not in self.rt.warned:
            self.rt.warned.add(("may_hang", job_id))
            log.warning("the action '%s' of instance %s has run %.0f s without ending%s; this worker claims other "
                        "jobs beside it", action_payload(item.job)["action"], item.job.instance_id,
                        now - self._flown_at.get(job_id, now),
                        ", taken up after its worker stopped" if item.job.reclaimed else " and has no timeout_s",
                        extra={"instance_id": item.job.instance_id})
        return True

    @property
    def _holding(self) -> bool:
        """Whether this worker holds jobs in flight that keep it from taking up a job whose lease lapsed (which
        must run alone: `JobStore.claim`): those that may hang for good do not (`_may_hang`)."""
        now = self.rt.clock.now()
        return any(not self._may_hang(job_id, item, now) for job_id, item in self._flying.items())

    @property
    def _suspect_flying(self) -> bool:
        """Whether a job taken up after its lease lapsed (its worker died: it may be what killed it) is in flight,
        and has not yet run `SUSPECT_LEASES` leases (one that has, without killing this worker, may hang instead)."""
        now = self.rt.clock.now()
        return any(item.job.reclaimed and not self._may_hang(job_id, item, now)
                   for job_id, item in self._flying.items())

    @property
    def in_flight(self) -> int:
        """How many actions run on the runner's threads, their outcomes not yet committed."""
        return len(self._flight)

    def _start_actions(self, actions: list[_Claimed]) -> None:
        """Run the batch's actions: inline ones on this thread, quick ones (`ActionRunner.runs_here`) one after the
        other on the quick lane, their outcomes committed together once all have run; the others started in
        flight, each on a thread of its own, their leases held until they end — so an action that takes its time
        (a slow model call, a handler that hangs until its timeout) holds back no other: those that end first are
        committed as they end, and the worker fires timers and claims into its free slots meanwhile. A quick
        action that runs past OVERRUN_S joins those in flight (`_run_quick`)."""
        calls = [self._call(item) for item in actions]
        # gone, or without a handler here (it failed at once, or waited its grace window out: `claim`)
        ended: list[tuple[_Claimed, ActionOutcome]] = [
            (item, GONE if call is None else self.hand_backs.failure(call[1]))
            for item, call in zip(actions, calls, strict=True) if call is None or call[0] is None]
        runnable = [(item, call) for item, call in zip(actions, calls, strict=True)
                    if call is not None and call[0] is not None]
        if all(self.rt.handlers.is_inline(call[1].action) for _, call in runnable):
            self._finish_actions(ended + [(item, run_inline(self.runner, call)) for item, call in runnable])
            return
        # a job taken up after its lease lapsed runs in flight, never on the quick lane: if it hangs, the worker
        # goes on (`_suspect_flying`), and it runs alone until then
        quick = not any(item.job.reclaimed for item, _ in runnable)
        while runnable and quick and self.runner.runs_here([call for _, call in runnable]):
            done, runnable = self._run_quick(runnable)
            ended += done
        if ended:
            self._finish_actions(ended)
        if not runnable:
            return
        self.heartbeat.hold(item.job.id for item, _ in runnable)
        began = self.rt.clock.now()
        for item, call in runnable:
            self._flying[item.job.id] = item
            self._flown_at[item.job.id] = began
            self._flight.start(item.job.id, call)

    def _run_quick(self, runnable: list[tuple[_Claimed, Call]]
                   ) -> tuple[list[tuple[_Claimed, ActionOutcome]], list[tuple[_Claimed, Call]]]:
        """Run quick actions one after the other on the quick lane: their outcomes, and the actions not started. An
        action that runs past OVERRUN_S is let go — the worker goes on, and carries it in flight (`_carry`) — and
        those after it are not started."""
        began = self.rt.clock.now()
        run = self.quick.run([call for _, call in runnable], OVERRUN_S)
        done = list(zip((item for item, _ in runnable), run.ended, strict=False))
        if run.overran is None:
            return done, []
        item, (_, request, _) = runnable[len(done)]
        self._carry(item, request, run.overran, began)
        return done, runnable[len(done) + 1:]

    def _carry(self, item: _Claimed, request: ActionRequest, outcome: Future[ActionOutcome], began: float) -> None:
        """Carry a quick action that overran the quick path as an action in flight: its lease held until it ends, its
        outcome committed then (`_land`); one that never ends holds nothing back once `_may_hang` says so."""
        job = item.job
        log.warning("the action '%s' of instance %s has run %g s without ending on the quick path (where actions "
                    "have taken under %g ms on average); this worker goes on, and keeps it in flight until it ends",
                    request.action, job.instance_id, OVERRUN_S, ActionRunner.INLINE_BELOW_S * 1000,
                    extra={"instance_id": job.instance_id})
        self.heartbeat.hold([job.id])
        self._flying[job.id] = item
        self._flown_at[job.id] = began
        self._flight.adopt(job.id, request, outcome)
        self._running = tuple(running for running in self._running if running.id != job.id)  # in flight now

    def _land(self, wait_s: float | None) -> int:
        """Commit the outcomes of the actions in flight that have ended, waiting up to `wait_s` for the first
        (None: as long as it takes) and `SETTLE_S` for others to end with it. How many."""
        group = self._flight.ended(wait_s, SETTLE_S)
        if not group:
            return 0
        items = [(self._flying.pop(job_id), outcome) for job_id, outcome in group]
        for job_id, _ in group:
            self._flown_at.pop(job_id, None)
        try:
            self._finish_actions(items)
        finally:
            self.heartbeat.release(job_id for job_id, _ in group)
        return len(group)

    def drain(self) -> int:
        """Wait for every action in flight to end (each within its timeout, if it has one), committing their
        outcomes as they end. How many."""
        landed = 0
        while self._flight:
            landed += self._land(None)
        return landed

    def _end_lost(self, job: JobRecord) -> None:
        try:
            after = self.rt.write(lambda tx: end_lost_task(self.rt, tx, job, self.owner))
        except StatewrightError:
            log.exception("ending the task of job %s failed; it is ended when its lease lapses", job.id)
            return
        if after is not None and after.status == STUCK:
            log.error("instance %s is stuck in '%s': every attempt of its task was lost with its worker, and the "
                      "task has no error path", after.id, after.state, extra={"instance_id": after.id})

    def _call(self, item: _Claimed) -> Call | None:
        """The handler, request and timeout of a claimed action: its running spend kept as it reports it."""
        return action_call(self.rt, item.job, item.instance, self.memory,
                           spend=spend_reporter(self.rt, item.job))

    def _finish_actions(self, outcomes: list[tuple[_Claimed, ActionOutcome]]) -> None:
        """Commit the batch's outcomes in one transaction, deciding on the instances as claimed (not read
        again): if one moved on meanwhile, its version-guarded update fails the transaction, and the outcomes
        are then finished one by one on fresh reads."""
        ordered = sorted(outcomes, key=lambda pair: pair[0].job.instance_id or "")  # one lock order for all
        ids = [item.job.instance_id for item, _ in ordered if item.job.instance_id]
        distinct = len(set(ids)) == len(ids)

        def finish_all(tx: Transaction) -> None:
            moved = [finish_action(self.rt, tx, item.job, self.owner, outcome,
                                   instance=item.instance if distinct else None, batched=True)
                     for item, outcome in ordered]
            if distinct:  # the inline tasks they entered, run and recorded in this transaction
                self.fold.instances(tx, [after for after in moved if after is not None])

        try:
            self.rt.write(finish_all, retry_conflicts=False)
        except StorageError:  # the database does not answer, or refused the batch: each on its own, once
            failed: list[tuple[int, StorageError]] = []
            for item, outcome in ordered:  # one bad item must not hold back the others
                try:
                    self._finish_one(item.job, outcome)
                except StorageError as alone:  # one line for them all: not a traceback a job while it is down
                    failed.append((item.job.id, alone))
                except Exception:  # logged whole; its lease lapses, and a lapsed job runs alone
                    log.exception("finishing job %s failed; it runs again when its lease lapses", item.job.id)
            if failed:
                which = ", ".join(str(job_id) for job_id, _ in failed[:10]) + (" …" if len(failed) > 10 else "")
                log.warning("finishing %s job(s) failed (%s): %s; each runs again when its lease lapses",
                            len(failed), which, failed[-1][1])
        except Exception:  # noqa: BLE001 - a refusal, or a defect one item met (a value no column takes): each alone
            for item, outcome in ordered:  # one bad item must not hold back the others
                job = item.job
                try:
                    self._finish_one(job, outcome)
                except Exception:  # logged whole; its lease lapses, and a lapsed job runs alone
                    log.exception("finishing job %s failed; it runs again when its lease lapses", job.id)

    def _finish_one(self, job: JobRecord, outcome: ActionOutcome) -> bool:
        return self.rt.write(lambda tx: finish_action(self.rt, tx, job, self.owner, outcome)) is not None

    def _other(self, job: JobRecord) -> None:
        try:
            if job.kind == JobKind.CHILD_DONE:
                child_id = child_done_payload(job)["child_id"]

                def resume(tx: Transaction) -> None:
                    resume_parent(self.rt, tx, child_id)
                    self._done(tx, job)

                self.rt.write(resume)
            elif job.kind == JobKind.DELIVER:
                delivering = deliver_payload(job)
                deliver_event(self.rt, int(delivering["event_id"]), to_instance=delivering.get("instance_id"))
                self.rt.write(lambda tx: self._done(tx, job))
            elif job.kind == NOTICE_JOB:
                expand_notice(self.rt, job, self.owner)
            else:
                log.error("job %s has an unknown kind '%s'", job.id, job.kind)
        except StorageError as exc:  # the database does not answer: one line, not a traceback
            log.warning("job %s (%s) failed (%s); it runs again when its lease lapses", job.id, job.kind, exc)
        except Exception:  # a defect this job met must not stop the worker: logged whole
            log.exception("job %s (%s) failed; it runs again when its lease lapses", job.id, job.kind)

    def _deliver(self, jobs: list[JobRecord]) -> None:
        """Start sending these approval notices, off this thread (`NoticeDeliveries`)."""
        if not jobs:
            return
        try:
            self.notices.take(jobs)
        except StorageError as exc:  # the database does not answer: one line, not a traceback
            log.warning("notice jobs %s failed to start (%s); they run again when their leases lapse",
                        ", ".join(str(job.id) for job in jobs), exc)
        except Exception:  # a defect these jobs met must not stop the worker: logged whole
            log.exception("notice jobs %s failed to start; they run again when their leases lapse",
                          ", ".join(str(job.id) for job in jobs))

    def _done(self, tx: Transaction, job: JobRecord) -> bool:
        return JobStore(tx).finish(job.id, owner=self.owner, status=JobStatus.DONE, now=self.rt.clock.now())

    # --- loops ----------------------------------------------------------------------------------------
    def run_once(self) -> int:
        """Fire due timers and schedules, claim jobs into the free slots (`batch` less the actions in flight) and
        run them, and commit the outcomes of the actions in flight that ended: waiting for them, unless the claim
        filled every free slot (more may be ready), no longer than ROUND_S or until the next due timer or
        schedule. Returns how much was done.

        Which timers are due is read in the claim's transaction (not in a read of its own each round): timers
        the last claim saw due fire first, as a deadline should come before work still waiting; any the claim
        of this round finds due (armed meanwhile) fire after its batch."""
        done = self._fire_timers()
        now = self.rt.clock.now()
        done += self._schedules(now)
        self.notices.sweep()  # deliveries that overran their limit given up, their slots free again
        self._sweep_memory(now)
        # a job taken up after its worker died runs alone: nothing more is claimed until its outcome is in
        free = 0 if self._suspect_flying else self.batch - len(self._flight)
        more = False  # whether more jobs may be ready than this round took
        if free > 0:
            claimed, handed_back = self._claim(free)
            more = len(claimed) + handed_back == free
            done += handed_back  # work (a write), but none that is due again at once: the next round finds none
            if claimed:
                done += self._take(claimed)
        else:  # every slot taken by actions in flight: no claim, so look at the timers here
            self._timer_due = next_timer_due(self.rt)
        if self._flight:
            done += self._land(0.0 if more else self._patience())
        return done + self._fire_timers()

    def _patience(self) -> float:
        """How long a round may wait for actions in flight: ROUND_S, or less when a timer or a schedule is due
        sooner."""
        now = self.rt.clock.now()
        due = [t for t in (self._timer_due, self._cron_due) if t is not None]
        return max(0.0, min([ROUND_S, *(t - now for t in due)]))

    def _fire_timers(self) -> int:
        """Fire the due timers, if the earliest the last claim saw is due; how many."""
        due = self._timer_due
        if due is None or due > self.rt.clock.now():
            return 0
        fired = 0
        while fire_next_timer(self.rt):
            fired += 1
        self._timer_due = None  # none is due now; the next claim looks again
        return fired

    def _schedules(self, now: float) -> int:
        """Start due cron instances; the schedules are re-read when one falls due or every few seconds."""
        fresh = now - self._cron_checked < SCHEDULE_RECHECK_S
        if fresh and (self._cron_due is None or now < self._cron_due):
            return 0
        started = fire_due_schedules(self.rt)
        self._cron_due, self._cron_checked = next_schedule_due(self.rt), now
        return started

    def _sweep_memory(self, now: float) -> None:
        """Delete expired shared memory every MEMORY_SWEEP_S (reads never see it; this keeps the table small)."""
        if now - self._memory_swept >= MEMORY_SWEEP_S:
            self._memory_swept = now
            self.memory.sweep()

    def forget_schedules(self) -> None:
        """Re-read the schedules on the next round (after a deployment in this process)."""
        self._cron_checked = float("-inf")

    def run_until_idle(self, *, max_rounds: int = 100_000, stop: threading.Event | None = None) -> int:
        """Work until nothing is runnable now (by the runtime's clock) and no action or notice delivery is under
        way, or until `stop` is set or the engine closes (checked between rounds: the actions in flight end and their
        outcomes commit first; the deliveries under way are waited for `STOP_WAIT_S` at most, the rest released).
        Returns how much was done."""
        self._in_its_process()
        total = 0
        with self.rt.loops.running(self) as closing:
            for _ in range(max_rounds):
                if (stop is not None and stop.is_set()) or closing.is_set():
                    self.notices.stop()
                    return total + self.drain()
                done = self.run_once()
                if not done and not self._flight:
                    if not len(self.notices):
                        return total
                    self.notices.wait(ROUND_S)  # what a delivery records (a retry) may be runnable next round
                total += done
        raise RuntimeError(f"still busy after {max_rounds} rounds (an endless loop of work?)")

    def next_due(self) -> float | None:
        """When something next becomes runnable: a job, a timer or a cron fire. Not a job that may be one this
        worker handed back (`HandBacks.ours`): the workers that have its handler are to find it first."""
        jobs = self.rt.read(lambda tx: JobStore(tx).next_due())
        if jobs is not None and self.hand_backs.ours(jobs, self.rt.clock.now()):
            jobs = None
        times = [t for t in (jobs, next_timer_due(self.rt), self._cron_due) if t is not None]
        return min(times) if times else None

    def run_forever(self, stop: threading.Event, *, poll_s: float = 1.0) -> None:
        """Work until `stop` is set or the engine closes, then release the notice deliveries still under way after
        `STOP_WAIT_S` (for the next worker to send) and let the actions in flight end and commit their outcomes;
        between bursts, sleep until the next due time (APScheduler wakes us) or `poll_s` (work another process added).
        A SQLite file deleted or replaced meanwhile (what the worker writes would be lost) stops it too, with a
        `StorageError` saying so; so does an engine closed before it starts."""
        from engine.runtime.scheduler import WakeScheduler  # noqa: PLC0415 - APScheduler only for long runs

        self._in_its_process()
        outage = _Outage()
        gone: str | None = None
        with WakeScheduler() as waker, self.rt.loops.running(self, wake=waker.ring) as closing:
            # among the database's live workers, with its actions, while it runs: a deploy elsewhere counts them
            self.heartbeat.advertise(self.rt.handlers.names())
            looked = time.monotonic()
            while not stop.is_set() and not closing.is_set():
                if time.monotonic() - looked >= FILE_CHECK_S:  # a SQLite file deleted or replaced under the worker:
                    looked = time.monotonic()  # what it writes is lost, so it stops rather than run on
                    gone = file_replaced(self.rt.store.engine)
                    if gone is not None:
                        log.error("%s; the worker stops", gone)
                        break
                try:
                    done = self.run_once()
                    outage.over()
                    if done or self._flight:  # with actions in flight, the round has waited for them
                        continue
                    waker.wake_at(self.next_due())
                except StorageError as exc:  # the database does not answer: one line now and then, no traceback
                    outage.seen(exc, poll_s)
                except Exception:  # a defect must not stop the worker (a server's would stop
                    # moving every instance, still answering ready): logged whole, the round tried again
                    log.exception("the worker loop hit an error; trying again shortly")
                waker.wait(poll_s, stop)
            self.notices.stop()  # a receiver that hangs must not hold up the stop: released after a moment
            self.drain()
            self.heartbeat.withdraw()  # stopped cleanly (`close` withdraws it after an error)
        if gone is not None:
            raise StorageError(gone)

    def close(self) -> None:
        """Release the notice deliveries still under way, stop renewing leases (those of actions still in flight
        lapse, and another worker runs them again), and leave the live workers."""
        self.notices.close()
        self.heartbeat.close()
        self.quick.close()
        self.runner.close()


def _with_instances(tx: Transaction, jobs: list[JobRecord]) -> list[_Claimed]:
    """The claimed jobs, each action job with its instance."""
    instances = InstanceStore(tx).get_many([j.instance_id for j in jobs if j.kind == JobKind.ACTION and j.instance_id])
    return [_Claimed(j, instances.get(j.instance_id) if j.kind == JobKind.ACTION and j.instance_id else None)
            for j in jobs]
