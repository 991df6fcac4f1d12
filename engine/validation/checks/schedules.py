"""Cron schedules the engine could not read: a `cron` that is not five fields APScheduler accepts (`*/15 * * *
*`, `0 8 * * mon`) or a `timezone` that is no IANA name. The model takes any text for both, so without this
check such a schedule deployed and then stopped every worker on the database when it looked for the next fire
time. APScheduler is imported only for a workflow that has schedules: validation of the others stays fast."""

from __future__ import annotations

from engine.definition import Workflow
from engine.validation.checks._report import error
from engine.validation.findings import Finding, pointer

__all__ = ["find_invalid_schedules"]


def _timezone_problem(name: str) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # noqa: PLC0415 - only for a workflow with schedules

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"'{name}' is not a time zone: give an IANA name such as UTC or Europe/Paris (the case counts)"
    return None


def _cron_problem(cron: str, timezone: str) -> str | None:
    from apscheduler.triggers.cron import CronTrigger  # noqa: PLC0415 - only for a workflow with schedules

    try:
        CronTrigger.from_crontab(cron, timezone=timezone)
    except ValueError as exc:
        return (f"'{cron}' is not a cron expression the scheduler reads ({str(exc).rstrip('.')}): give five fields, "
                "minute hour day month weekday, such as */15 * * * * or 0 8 * * mon")
    return None


def find_invalid_schedules(workflow: Workflow) -> list[Finding]:
    """Each schedule whose time zone or cron expression cannot be read, at the field at fault."""
    found: list[Finding] = []
    for index, schedule in enumerate(workflow.schedules):
        zone = _timezone_problem(schedule.timezone)
        problem, field = (zone, "timezone") if zone else (_cron_problem(schedule.cron, schedule.timezone), "cron")
        if problem is not None:
            found.append(error("invalid-schedule", f"Schedule '{schedule.id}' would never start an instance: "
                               f"{problem}.", pointer("schedules", index, field)))
    return found
