"""A worker's approval-notice deliveries, off its loop: each `notify` job it claims is sent on a thread of its own,
several at once (`NOTICE_SLOTS`), so a receiver that hangs — a webhook, an SMTP server, Slack — holds back no
claim, no timer and no action's commit, only its own delivery.

A delivery under way is held as an action in flight is: its lease renewed by the worker's heartbeat until its
outcome is recorded (done, again later, failed for good: `engine.runtime.notice_jobs`), so no other worker takes it
meanwhile, and one whose worker dies is taken by another once its lease lapses. Its thread records the outcome
itself, the moment the receiver answers or the send fails. A delivery that has not ended after `DELIVERY_LIMIT_S`
(a receiver that trickles its answer past every socket timeout) is given up as a failed attempt, and a worker that
stops waits `STOP_WAIT_S` at most for those under way before it releases the rest for the next worker: ready again
at once, the attempt not counted. Given up or released, a send that still runs is left to end on its thread (a
daemon: nothing waits for it, not even the process's exit), and whatever it ends with is not recorded. So a
notice goes out at least once, and a receiver that answered too late may get it twice.

A worker has `NOTICE_SLOTS` deliveries under way at most: a delivery job it claims beyond that is handed back,
ready again `HAND_BACK_S` later, its attempt not counted, for this worker once a slot is free or for another.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from engine.errors import StatewrightError, StorageError
from engine.runtime.core import Runtime
from engine.runtime.heartbeat import Heartbeat
from engine.runtime.notice_jobs import (
    delivery_target,
    record_delivery,
    release_delivery,
    send_notice,
    still_held,
)
from storage.jobs import JobRecord, JobStore
from storage.transaction import Transaction

__all__ = ["DELIVERY_LIMIT_S", "HAND_BACK_S", "NOTICE_SLOTS", "STOP_WAIT_S", "NoticeDeliveries"]

log = logging.getLogger("statewright.notify")

NOTICE_SLOTS = 8  # deliveries under way at once, a thread each: a few hanging receivers leave room for the others
# A delivery not ended after this long is given up as a failed attempt: each call to a receiver is bounded by its
# channel's 10 s timeout, but only per socket operation, and an SMTP delivery makes several
DELIVERY_LIMIT_S = 60.0
STOP_WAIT_S = 2.0  # how long a worker that stops waits for the deliveries under way before it releases them
HAND_BACK_S = 1.0  # how long a delivery job claimed with every slot taken waits before it is due again


@dataclass(eq=False)
class _Delivery:
    job: JobRecord
    began: float  # time.monotonic()
    # Whoever sets `over` (under `lock`) writes the job's end and lets go of it: its thread, with the outcome, or
    # the worker, releasing or giving it up. The other leaves it.
    over: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


class NoticeDeliveries:
    """The deliveries under way of one worker (`owner`), their leases renewed by its `heartbeat`."""

    def __init__(self, rt: Runtime, owner: str, heartbeat: Heartbeat, lease_s: float, *, slots: int = NOTICE_SLOTS,
                 limit_s: float = DELIVERY_LIMIT_S) -> None:
        self.rt = rt
        self.owner = owner
        self.heartbeat = heartbeat
        self.lease_s = lease_s
        self.slots = max(slots, 1)
        self.limit_s = limit_s
        self._under_way: dict[int, _Delivery] = {}
        self._changed = threading.Condition()  # notified as each delivery ends

    def __len__(self) -> int:
        """How many deliveries are under way (their outcomes not recorded yet)."""
        with self._changed:
            return len(self._under_way)

    def take(self, jobs: Sequence[JobRecord]) -> None:
        """Start delivering these claimed `notify` jobs, into the free slots; hand back the others (one
        transaction), ready again `HAND_BACK_S` later."""
        free = max(0, self.slots - len(self))
        if len(jobs) > free:
            back, now = [job.id for job in jobs[free:]], self.rt.clock.now()

            def hand_back(tx: Transaction) -> None:
                store = JobStore(tx)
                for job_id in back:
                    store.hand_back(job_id, owner=self.owner, due_at=now + HAND_BACK_S, now=now)

            self.rt.write(hand_back)
        for job in jobs[:free]:
            self._start(job)

    def _start(self, job: JobRecord) -> None:
        """A thread each (no pool): a send given up on keeps its thread until it ends, and must hold no slot."""
        delivery = _Delivery(job, time.monotonic())
        self.heartbeat.hold([job.id])
        with self._changed:
            self._under_way[job.id] = delivery
        thread = threading.Thread(target=self._run, args=(delivery,), name=f"statewright-notify-{job.id}", daemon=True)
        try:
            thread.start()
        except RuntimeError:  # no thread to be had: let go of it, for its lease to lapse and a worker to send it
            self._settle(delivery, lambda: None)
            raise

    def _run(self, delivery: _Delivery) -> None:
        """On a delivery thread: send, unless another worker took the job over, and record the outcome."""
        job = delivery.job
        try:
            held = still_held(self.rt, job, self.owner, self.lease_s)
            error = send_notice(self.rt, job) if held else None
        except StatewrightError as exc:  # the database does not answer: the job is sent when its lease lapses
            log.warning("notice job %s (%s) could not start (%s); it is tried again when its lease lapses", job.id,
                        delivery_target(self.rt.notifications, job), exc)
            held, error = False, None
        except Exception:  # a defect this job met must not end its thread unseen: logged whole
            log.exception("notice job %s (%s) failed; it is tried again when its lease lapses", job.id,
                          delivery_target(self.rt.notifications, job))
            held, error = False, None
        if held:
            self._settle(delivery, partial(self._record, job, error))
        else:  # taken over meanwhile (left to its holder), or to be taken up when its lease lapses
            self._settle(delivery, lambda: None)

    def _record(self, job: JobRecord, error: str | None) -> None:
        if error is not None:  # said only when recorded: a send given up on meanwhile ends unseen
            log.warning("notice job %s (%s) failed, attempt %s: %s", job.id,
                        delivery_target(self.rt.notifications, job), job.attempt, error)
        record_delivery(self.rt, job, self.owner, error)

    def _settle(self, delivery: _Delivery, write: Callable[[], object]) -> bool:
        """End the delivery with `write`, unless it ended already (False): let go of its lease and its slot."""
        job = delivery.job
        with delivery.lock:
            if delivery.over:
                return False
            delivery.over = True
            try:
                write()
            except StorageError as exc:  # one line, not a traceback: its lease lapses, and a worker sends it again
                log.warning("recording notice job %s failed (%s); it is sent again when its lease lapses", job.id, exc)
            except Exception:  # a defect must not take the thread down unseen: logged whole
                log.exception("recording notice job %s failed; it is sent again when its lease lapses", job.id)
        self.heartbeat.release([job.id])
        with self._changed:
            if self._under_way.get(job.id) is delivery:
                del self._under_way[job.id]
            self._changed.notify_all()
        return True

    def sweep(self) -> int:
        """Give up the deliveries that have run `limit_s` without ending, each as a failed attempt (retried later,
        or failed for good). How many."""
        now = time.monotonic()
        with self._changed:
            overdue = [d for d in self._under_way.values() if now - d.began >= self.limit_s]
        given_up = 0
        for delivery in overdue:
            job = delivery.job
            error = f"TimeoutError: no answer within {self.limit_s:g} s"
            if self._settle(delivery, partial(self._record, job, error)):  # its send left to end on its thread
                given_up += 1
        return given_up

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait until no delivery is under way (giving up those that overrun `limit_s`), or `timeout_s` has passed.
        Whether none is."""
        end = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            self.sweep()
            with self._changed:
                if not self._under_way:
                    return True
                now = time.monotonic()
                if end is not None and now >= end:
                    return False
                due = min(d.began + self.limit_s for d in self._under_way.values())  # the next to give up
                self._changed.wait(max(0.0, (due if end is None else min(due, end)) - now))

    def stop(self, wait_s: float = STOP_WAIT_S) -> int:
        """Wait up to `wait_s` for the deliveries under way, then release the rest for the next worker: ready again
        at once, the attempt not counted. How many were released."""
        if self.wait(wait_s):
            return 0
        with self._changed:
            left = list(self._under_way.values())
        why = f"the worker stopped before the receiver answered (after waiting {wait_s:g} s); sent again"
        released = [d.job for d in left
                    if self._settle(d, partial(release_delivery, self.rt, d.job, self.owner, why))]
        if released:
            log.warning("stopping: %s notice deliveries had not ended within %g s (%s); released, the next worker "
                        "sends them (a receiver that answers late may get one twice)", len(released), wait_s,
                        ", ".join(f"job {job.id}: {delivery_target(self.rt.notifications, job)}"
                                  for job in released[:5]) + (" …" if len(released) > 5 else ""))
        return len(released)

    def close(self) -> None:
        """Release whatever is still under way, at once."""
        self.stop(0.0)
