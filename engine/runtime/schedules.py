"""Cron schedules: each fire time starts exactly one instance, however many workers look — the start and
its (workflow, schedule, fire time) row commit together, and that row exists once.

A schedule the scheduler cannot read (a cron or time zone deployed before validation refused them:
`invalid-schedule`) is left out, with a warning once per deployed version, so the others still fire and no
worker stops over it.

Missed fire times are coalesced, as APScheduler does: a fire time more than `MISFIRE_GRACE_S` late is skipped
when a fresher one is due, and after a longer outage only the latest missed fire time (within the last
`LOOKBACK_S`) starts an instance. Each start's history payload names the fire time it stands for
(`{"fire_time": "…Z"}`): the catch-up starts are all created when the workers come back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from engine.definition import Schedule, Workflow
from engine.errors import InvalidInput, StatewrightError
from engine.runtime.clock import to_datetime, to_rfc3339
from engine.runtime.context_schema import check_context
from engine.runtime.core import Runtime
from storage.schedules import ScheduleStore
from storage.transaction import Transaction

__all__ = ["LOOKBACK_S", "MISFIRE_GRACE_S", "due_fire_times", "fire_due_schedules", "fire_times",
           "next_schedule_due"]

log = logging.getLogger("statewright.schedules")
MISFIRE_GRACE_S = 300.0
LOOKBACK_S = 7 * 86_400.0
_MOST_FIRES = 20_000


@lru_cache(maxsize=1024)
def _trigger(cron: str, timezone: str) -> Any:
    return CronTrigger.from_crontab(cron, timezone=timezone)


def fire_times(schedule: Schedule, after: float, until: float, limit: int = _MOST_FIRES) -> list[float]:
    """The schedule's fire times in (after, until], at most `limit` of them, earliest first."""
    trigger = _trigger(schedule.cron, schedule.timezone)
    at_set_hours = not schedule.cron.split()[1].startswith("*")
    found: list[float] = []
    cursor: datetime = to_datetime(after) + timedelta(seconds=1)
    while len(found) < limit:
        moment = trigger.get_next_fire_time(None, cursor)
        if moment is None or moment.timestamp() > until:
            break
        # The hour the clocks go back comes twice: a job at set hours (`30 2 * * *`) runs in the first only, as
        # cron runs it — daily means once a day; one every hour (`15 * * * *`) runs in both, an hour apart.
        if not (at_set_hours and moment.fold):
            found.append(moment.timestamp())
        # on from the instant, in UTC: local arithmetic would drop `fold` and find the repeated hour again
        cursor = to_datetime(moment.timestamp() + 1)
    return found


def due_fire_times(schedule: Schedule, after: float, now: float) -> list[float]:
    """The fire times to start now: those in (after, now] still within the grace period, or else the latest
    one missed (coalesced)."""
    missed = fire_times(schedule, max(after, now - LOOKBACK_S), now)
    fresh = [t for t in missed if t >= now - MISFIRE_GRACE_S]
    return fresh or missed[-1:]


def _start_payload(fire_time: float) -> dict[str, str]:
    """The payload of a scheduled start: the fire time it stands for — a catch-up start, made when the workers
    came back, is created later than that."""
    return {"fire_time": to_rfc3339(fire_time)}


class _AlreadyFired(Exception):
    """Rolls back a start: another worker made this fire time's instance first."""


def _start(rt: Runtime, workflow: Workflow, schedule: Schedule, fire_time: float) -> bool:
    def work(tx: Transaction) -> bool:
        compiled = rt.deployments.compiled(tx, workflow.id, workflow.version)
        now = rt.clock.now()
        instance = rt.writer.create(tx, compiled, dict(schedule.context), tenant="default", now=now,
                                    actor=f"schedule:{schedule.id}", payload=_start_payload(fire_time))
        if not ScheduleStore(tx).claim_fire(workflow_id=workflow.id, schedule_id=schedule.id, fire_time=fire_time,
                                            instance_id=instance.id, at=now):
            raise _AlreadyFired
        return True

    try:
        return rt.write(work)
    except _AlreadyFired:
        return False


def _readable(rt: Runtime, workflow: Workflow, schedule: Schedule) -> bool:
    """Whether the scheduler can read the schedule's cron and time zone (warned about once, if not)."""
    try:
        _trigger(schedule.cron, schedule.timezone)
    except (ValueError, LookupError) as exc:  # a bad field; ZoneInfoNotFoundError is a KeyError
        key = ("unreadable schedule", workflow.id, workflow.version, schedule.id)
        if key not in rt.warned:
            rt.warned.add(key)
            log.warning("schedule %s of %s version %s is left out: the scheduler cannot read it (%s); deploy a "
                        "corrected version", schedule.id, workflow.id, workflow.version, exc)
        return False
    return True


def _scheduled(rt: Runtime) -> list[tuple[Workflow, float, Schedule]]:
    found = []
    for workflow, deployed_at in rt.read(rt.deployments.latest_workflows):
        found += [(workflow, deployed_at, s) for s in workflow.schedules if s.enabled and _readable(rt, workflow, s)]
    return found


def _last_fire(workflow_id: str, schedule_id: str) -> Callable[[Transaction], float | None]:
    return lambda tx: ScheduleStore(tx).last_fire(workflow_id, schedule_id)


def fire_due_schedules(rt: Runtime) -> int:
    """Start an instance for every fire time due since the last one (or since deployment). How many started."""
    now = rt.clock.now()
    started = 0
    for workflow, deployed_at, schedule in _scheduled(rt):
        last = rt.read(_last_fire(workflow.id, schedule.id))
        for fire_time in due_fire_times(schedule, max(deployed_at, last or deployed_at), now):
            try:
                check_context(workflow.context, dict(schedule.context))
                started += _start(rt, workflow, schedule, fire_time)
            except InvalidInput as exc:
                log.warning("schedule %s of %s cannot start: %s", schedule.id, workflow.id, exc.detail)
                break
            except StatewrightError:
                log.exception("schedule %s of %s failed at %s", schedule.id, workflow.id, fire_time)
                break
    return started


def next_schedule_due(rt: Runtime) -> float | None:
    now = rt.clock.now()
    times = []
    for _, _, schedule in _scheduled(rt):
        upcoming = fire_times(schedule, now, now + 366 * 86_400, limit=1)
        times += upcoming
    return min(times) if times else None
