"""Events kept for waits that arm later. An event published with a correlation key that reaches no wait is kept
for a while (`publish(..., keep_for=)`, an hour unless told): a webhook that arrives before its instance gets to
the wait for it is the usual race with payment providers and the like. A wait state that arms with that key
afterwards takes the earliest such event — through a delivery job written with the transition that armed it, so
the event is delivered once that transition commits, by the same code that delivers an event when it is published.
The first wait to take an event takes it for good (`EventStore.take`); an ask's reply is never taken from before
the ask (it must answer the question asked)."""

from __future__ import annotations

import math
import re

from engine.errors import InvalidInput
from engine.runtime.effects import AwaitEvent
from engine.runtime.job_payloads import DeliverPayload, JobKind
from storage.events import EventStore
from storage.jobs import JobStore
from storage.transaction import Transaction

__all__ = ["DEFAULT_KEEP_S", "KEEP_FOR_PATTERN", "keep_for_seconds", "kept_until", "offer_kept_event"]

DEFAULT_KEEP_S = 3600.0
# an ISO 8601 duration of days, hours, minutes and seconds (PT10M, PT1H30M, P2D, PT0S): what `keep_for` takes,
# written so that a JSON Schema (the API's) says exactly what is accepted
KEEP_FOR_PATTERN = (r"^P(?:\d{1,4}D(?:T(?:\d{1,6}H)?(?:\d{1,6}M)?(?:\d{1,6}S)?)?"
                    r"|T(?:\d{1,6}H(?:\d{1,6}M)?(?:\d{1,6}S)?|\d{1,6}M(?:\d{1,6}S)?|\d{1,6}S))$")
_UNITS = {"D": 86400, "H": 3600, "M": 60, "S": 1}


def keep_for_seconds(text: str | None) -> float | None:
    """`keep_for` as the API and the CLI take it — an ISO 8601 duration (`PT10M`; `PT0S` for none) — in seconds
    (None: the default). ValueError says what is wrong with another text."""
    if text is None:
        return None
    if re.fullmatch(KEEP_FOR_PATTERN, text) is None:
        raise ValueError(f"'{text}' is not an ISO 8601 duration of days, hours, minutes and seconds such as PT10M, "
                         "PT1H30M or P2D (PT0S keeps the event not)")
    date, _, time = text[1:].partition("T")
    parts = ([(date[:-1], "D")] if date else []) + re.findall(r"(\d+)([HMS])", time)
    return float(sum(int(amount) * _UNITS[unit] for amount, unit in parts))


def kept_until(correlation_key: str | None, keep_for: float | None, now: float) -> float | None:
    """Until when an event published now is kept for a later wait: only one with a correlation key (a wait without
    one would take any event of its type, however old); `keep_for` 0 keeps none."""
    keep = DEFAULT_KEEP_S if keep_for is None else keep_for
    if isinstance(keep, bool) or not isinstance(keep, int | float) or not math.isfinite(keep) or keep < 0:
        raise InvalidInput(f"keep_for must be a number of seconds, 0 or more, not {keep_for!r}")
    return None if correlation_key is None or keep == 0 else now + float(keep)


def offer_kept_event(tx: Transaction, *, instance_id: str, tenant: str, seq: int, effect: AwaitEvent,
                     now: float) -> None:
    """A wait armed at transition `seq`: hand it the earliest event kept for its type and key, if there is one."""
    if not effect.takes_earlier or effect.correlation_key is None:
        return
    event_id = EventStore(tx).kept_for(tenant=tenant, event_type=effect.event_type,
                                       correlation_key=effect.correlation_key, now=now)
    if event_id is None:
        return
    payload: DeliverPayload = {"event_id": event_id, "instance_id": instance_id}
    JobStore(tx).enqueue(kind=JobKind.DELIVER, key=f"event:{event_id}:to:{instance_id}:{seq}", payload=payload,
                         due_at=now, now=now, instance_id=instance_id)
