"""An XState state's `after` — a delay in milliseconds and the transitions taken when it passes — as the one timer
the Statewright state has: a wait's `duration` (a state that only waits), or the `timeout` of a wait for an event
or of an approval (as `export_xstate` writes them: `{"600000": [...]}` for `PT10M`).

What has no such timer is refused, each at its field: several delays on one state, a delay named in the machine's
options (code) or computed, a delay of 0 ms, and `after` on a state that has no timeout (a task or subflow, a
choice, a parallel state, a map, a final, a wait until a deadline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from engine.definition.durations import parse_duration

__all__ = ["Delay", "DelayRefusal", "delay_of", "iso_duration"]

_MILLISECONDS = re.compile(r"[0-9]+")
_NO_TIMER = {
    "task": "a task's time limit is meta.statewright.timeout_s, which fails the attempt with the error kind "
            "'timeout' (take it in onError with the guard event.kind == 'timeout')",
    "subflow": "a subflow runs until the child instance ends",
    "choice": "a choice decides at once",
    "parallel": "a parallel state ends when its branches join",
    "map": "a map ends when its items are done",
    "final": "a final state is the end",
}


@dataclass(frozen=True)
class DelayRefusal:
    """Why (part of) an `after` cannot be imported; `at` below the state."""

    construct: str
    why: str
    at: tuple[str, ...]


@dataclass(frozen=True)
class Delay:
    """The state's timer from `after`: the field it `sets` (`duration` or `timeout`) to `duration`, the delay `key`
    where it is written; `replaced`: the differing value `meta.statewright` carried for that field, which the delay
    overrides. `refusals`: what could not be read (then it sets nothing)."""

    sets: str | None = None
    duration: str | None = None
    key: str | None = None
    replaced: Any = None
    refusals: list[DelayRefusal] = field(default_factory=list)


def iso_duration(milliseconds: int) -> str:
    """600000 → `PT600S`; 1500 → `PT1.5S` (never an exponent: `PT1e+06S` is no duration)."""
    seconds, rest = divmod(milliseconds, 1000)
    return f"PT{seconds}S" if not rest else f"PT{seconds}.{rest:03d}".rstrip("0") + "S"


def _timer_field(body: dict[str, Any]) -> str | None:
    """The field `after` sets on this state, or None when it has no timer."""
    kind = body.get("type")
    if kind == "approval" or (kind == "wait" and body.get("event") is not None):
        return "timeout"
    if kind == "wait" and body.get("deadline") is None:
        return "duration"
    return None


def _no_timer(body: dict[str, Any]) -> DelayRefusal:
    kind = str(body.get("type"))
    why = "a wait until a deadline ends at the deadline" if kind == "wait" else _NO_TIMER.get(kind, "")
    return DelayRefusal("after", f"a {kind} state has no timeout" + (f": {why}" if why else ""), ("after",))


def _same_time(a: str, milliseconds: int) -> bool:
    try:
        return parse_duration(a).total_seconds() * 1000 == milliseconds
    except ValueError:
        return False


def delay_of(after: Any, body: dict[str, Any]) -> Delay:
    """The timer `after` gives the state `body` (its other fields read from the config and `meta.statewright`)."""
    if not isinstance(after, dict):
        return Delay(refusals=[DelayRefusal("after", "an object from a delay in milliseconds to its transitions",
                                            ("after",))])
    if not after:
        return Delay()
    target = _timer_field(body)
    if target is None:
        return Delay(refusals=[_no_timer(body)])
    keys = [str(key) for key in after]
    refusals = [DelayRefusal(f"delay '{key}'", "a state has one timer, so one delay (for a later one, go on to a "
                             "further wait state when the first delay passes)", ("after", key)) for key in keys[1:]]
    key = keys[0]
    if not _MILLISECONDS.fullmatch(key):
        refusals.append(DelayRefusal(f"delay '{key}'", "a delay is a number of milliseconds written in the "
                                     "config; one named in the machine's options (code) or computed has no "
                                     "counterpart", ("after", key)))
    elif int(key) == 0:
        refusals.append(DelayRefusal(f"delay '{key}'", "a delay must be longer than 0 ms (for no delay, use "
                                     "always)", ("after", key)))
    if refusals:
        return Delay(refusals=refusals)
    milliseconds = int(key)
    given = body.get(target)
    if isinstance(given, str) and _same_time(given, milliseconds):
        return Delay(target, given, key)  # the carried text (PT48H) is the delay, as written
    return Delay(target, iso_duration(milliseconds), key, replaced=given)
