"""A wait's deadline written as a constant (`'2030-01-01T09:00:00Z'`, as the ASL importer writes a `Timestamp`):
read when the definition loads, so a time the engine would refuse on entering the wait (no offset, not RFC 3339)
is a finding at its pointer instead of a failed instance weeks later. A deadline that reads the context or `now`
is known only on entering; the runtime refuses it then, in the same words (`engine.definition.moments`)."""

from __future__ import annotations

from datetime import datetime

from engine.definition import WaitState
from engine.definition.moments import parse_rfc3339
from engine.validation.checks._report import error
from engine.validation.checks.constants import constant_of
from engine.validation.findings import Finding
from engine.validation.graph import Machine

__all__ = ["find_deadlines_that_are_not_times"]


def _why_not_a_time(source: str) -> str | None:
    """Why a constant deadline is no time to wait for; None for one that is, or that reads a variable."""
    constant = constant_of(source)
    if constant is None:
        return None
    if constant.error is not None:  # `timestamp('2030-01-01T09:00:00')`: CEL's own reading refuses it
        return constant.error
    return _why_value_not_a_time(constant.value)


def _why_value_not_a_time(value: object) -> str | None:
    if isinstance(value, datetime):  # a CEL timestamp
        return None
    if not isinstance(value, str):
        return f"it gives {type(value).__name__} {value!r}, not an RFC 3339 time"
    try:
        parse_rfc3339(value)
    except ValueError as exc:
        return str(exc)
    return None


def find_deadlines_that_are_not_times(machine: Machine) -> list[Finding]:
    """Each wait whose constant deadline the engine could not wait for."""
    found: list[Finding] = []
    for sid, state in machine.states.items():
        if isinstance(state, WaitState) and state.deadline is not None:
            why = _why_not_a_time(state.deadline)
            if why is not None:
                found.append(error("deadline-not-a-time", f"The deadline of '{sid}' is not a time to wait for: "
                                   f"{why.rstrip('.')}.", machine.state_pointer(sid, "deadline"), states=(sid,)))
    return found
