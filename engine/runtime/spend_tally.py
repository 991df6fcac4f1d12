"""An attempt's running spend, kept as its handler reports it (`ActionRequest.report_spend`), and what becomes
of it: forgotten when the attempt ends with its outcome's cost; recorded with the attempt, and counted in the
tenant's budget, when the attempt is lost with its worker (a worker killed mid-attempt after three paid model
calls used to lose their cost: the lost attempt carried none)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from engine.errors import StatewrightError
from engine.runtime.action_outcome import checked_cost
from engine.runtime.actions import Cost
from engine.runtime.core import Runtime
from storage.attempt_spend import AttemptSpendStore, Spent
from storage.jobs import JobRecord
from storage.transaction import Transaction

__all__ = ["lost_spend", "spend_reporter"]

log = logging.getLogger("statewright.worker")


def spend_reporter(rt: Runtime, job: JobRecord) -> Callable[[Cost], None]:
    """What `report_spend` calls for an attempt of `job`: keeps the running total in a short transaction of its
    own (never failing the attempt: a tally the database did not take is logged, and the next one replaces it)."""
    job_id, attempt = job.id, job.attempt

    def report(spent: Cost) -> None:
        kept, problem = checked_cost(spent)
        if kept is None:  # a tally the tables cannot keep (a NaN, a negative amount): said, and not kept
            log.warning("attempt %s of job %s reported a running spend that cannot be kept: %s", attempt, job_id,
                        problem or "no cost")
            return
        tally = Spent(kept.amount, kept.tokens, kept.model, kept.priced)
        try:
            rt.write(lambda tx: AttemptSpendStore(tx).tally(job_id, attempt, tally, rt.clock.now()))
        except StatewrightError as exc:
            log.warning("keeping what attempt %s of job %s has spent so far failed (%s); its outcome still records "
                        "its cost", attempt, job_id, exc)

    return report


def lost_spend(tx: Transaction, job: JobRecord, attempt: int) -> Cost | None:
    """What attempt `attempt` of `job`, lost with its worker, had reported spending (forgotten here)."""
    found = AttemptSpendStore(tx).take(job.id, attempt)
    return None if found is None else Cost(found.amount, tokens=found.tokens, model=found.model, priced=found.priced)
