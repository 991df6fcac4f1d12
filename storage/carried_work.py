"""An instance's open work moved from one transition to the next without being re-armed: the armed timers, the
event waits, the pending approvals, the ready action jobs and the children of transition `old_seq` are pointed
at `new_seq` (a migration to another version of the workflow keeps them: see engine/runtime/migration.py).

What a timer, wait, approval, job or child brings back applies only while the instance is still at the
transition that armed it; after a migration's history row the instance is one transition further, so each
row's `seq` (a job's `payload.seq`) follows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.codec import dump
from storage.jobs import JobRecord
from storage.transaction import Transaction

__all__ = ["CarriedCounts", "CarriedWork"]


@dataclass(frozen=True, slots=True)
class CarriedCounts:
    timers: int
    event_waits: int
    approvals: int
    jobs: int
    children: int


class CarriedWork:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def move(self, instance_id: str, old_seq: int, new_seq: int, jobs: list[JobRecord], *,
             state: str | None = None) -> CarriedCounts | None:
        """Point the open work of transition `old_seq` at `new_seq`. `jobs` are the ready action jobs to carry:
        each is moved only if it is still ready (no worker claimed it meanwhile); None when one was claimed (the
        caller rolls the transaction back). `state`: the state's new id when the work moves to a renamed state
        (a job's result applies only in the state it names; an approval shows its state)."""
        moved_jobs = 0
        renamed = {} if state is None else {"state": state}
        for job in jobs:
            payload = {**job.payload, "seq": new_seq, **renamed}
            moved_jobs += self.tx.execute(
                "UPDATE jobs SET payload = ? WHERE id = ? AND status = 'ready'", (dump(payload), job.id))
        if moved_jobs != len(jobs):
            return None
        key = (new_seq, instance_id, old_seq)
        return CarriedCounts(
            timers=self.tx.execute(
                "UPDATE timers SET seq = ? WHERE instance_id = ? AND seq = ? AND status = 'armed'", key),
            event_waits=self.tx.execute(
                "UPDATE event_waits SET seq = ? WHERE instance_id = ? AND seq = ? AND status = 'waiting'", key),
            approvals=self.tx.execute(
                "UPDATE approvals SET seq = ? WHERE instance_id = ? AND seq = ? AND status = 'pending'", key)
            if state is None else self.tx.execute(
                "UPDATE approvals SET seq = ?, state = ? WHERE instance_id = ? AND seq = ? AND status = 'pending'",
                (new_seq, state, instance_id, old_seq)),
            jobs=moved_jobs,
            children=self.tx.execute(
                "UPDATE instances SET parent_seq = ? WHERE parent_id = ? AND parent_seq = ?", key),
        )
