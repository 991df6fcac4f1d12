"""The sandbox calendar: free slots in business hours, events, and finding a person's events."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from agents.tools.errors import ToolError
from agents.tools.sandbox.store import SandboxStore, derived_id, random_id, rfc3339, row_json
from agents.tools.sandbox.tables import CalendarEventRow
from engine.definition.moments import parse_rfc3339
from engine.runtime.clock import to_datetime

__all__ = ["BUSINESS_HOURS_UTC", "SandboxCalendar"]

Json = dict[str, Any]
BUSINESS_HOURS_UTC = (9, 17)  # meetings start at 09:00 at the earliest and end by 17:00, Monday to Friday
SLOT_MINUTES = 30


def _event(row: CalendarEventRow) -> Json:
    return row_json(row, times=("starts_at", "ends_at", "created_at"))


def _parse(moment: str) -> float:
    try:
        return parse_rfc3339(moment)
    except ValueError as exc:
        raise ToolError("calendar.events.create", "validation", f"starts_at: {exc}") from exc


def _first_candidate(now: float) -> datetime:
    """09:00 UTC of the next business day: a booking is never for the same day."""
    day = to_datetime(now).replace(hour=BUSINESS_HOURS_UTC[0], minute=0, second=0, microsecond=0)
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class SandboxCalendar:
    """Implements `agents.tools.interface.Calendar` over the sandbox tables."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    def _busy(self, organizer: str, start: float, end: float) -> list[tuple[float, float]]:
        with self.store.session() as session:
            rows = session.exec(select(CalendarEventRow).where(
                CalendarEventRow.organizer == organizer, CalendarEventRow.status != "cancelled",
                col(CalendarEventRow.starts_at) < end, col(CalendarEventRow.ends_at) > start)).all()
        return [(r.starts_at, r.ends_at) for r in rows]

    def find_availability(self, *, organizer: str, duration_minutes: int = 30, within_days: int = 10,
                          limit: int = 5) -> Json:
        """The organizer's first free slots, on the half hour in business hours, from the next business day."""
        if not 0 < duration_minutes <= 8 * 60 or within_days < 1:
            raise ToolError("calendar.availability.find", "validation",
                            "duration_minutes must be 1-480 and within_days at least 1")
        now = self.store.now()
        horizon = now + within_days * 86400
        busy = self._busy(organizer, now, horizon)
        slots: list[Json] = []
        candidate = _first_candidate(now)
        length = timedelta(minutes=duration_minutes)
        while candidate.timestamp() < horizon and len(slots) < limit:
            closing = candidate.replace(hour=BUSINESS_HOURS_UTC[1], minute=0)
            start, end = candidate.timestamp(), (candidate + length).timestamp()
            if candidate.weekday() < 5 and candidate + length <= closing and end <= horizon and not any(
                    s < end and e > start for s, e in busy):
                slots.append({"starts_at": rfc3339(start), "ends_at": rfc3339(end)})
            candidate += timedelta(minutes=SLOT_MINUTES)
            if candidate.hour >= BUSINESS_HOURS_UTC[1]:
                candidate = (candidate + timedelta(days=1)).replace(hour=BUSINESS_HOURS_UTC[0], minute=0)
        return {"organizer": organizer, "slots": slots}

    def create_event(self, *, title: str, organizer: str, starts_at: str, duration_minutes: int,
                     attendees: list[str], kind: str = "meeting", description: str = "",
                     idempotency_key: str | None = None) -> Json:
        """Book an event; the first attendee other than the organizer is its external attendee."""
        if duration_minutes <= 0:
            raise ToolError("calendar.events.create", "validation", "duration_minutes must be positive")
        start = _parse(starts_at)
        end = start + duration_minutes * 60
        event_id = derived_id("MTG", idempotency_key) if idempotency_key else random_id("MTG")
        external = next((a.lower() for a in attendees if a.lower() != organizer.lower()), None)
        row, created = self.store.insert_once(CalendarEventRow, event_id, lambda: CalendarEventRow(
            id=event_id, title=title, kind=kind, organizer=organizer, attendee_email=external,
            attendees=list(attendees), starts_at=start, ends_at=end, description=description,
            created_at=self.store.now()))
        return {"event": _event(row), "created": created}

    def search_events(self, *, attendee_email: str | None = None, organizer: str | None = None,
                      kind: str | None = None, upcoming_only: bool = True) -> Json:
        """Events by external attendee, organizer and kind, earliest first."""
        statement = select(CalendarEventRow).where(CalendarEventRow.status != "cancelled")
        if attendee_email:
            statement = statement.where(CalendarEventRow.attendee_email == attendee_email.strip().lower())
        if organizer:
            statement = statement.where(CalendarEventRow.organizer == organizer)
        if kind:
            statement = statement.where(CalendarEventRow.kind == kind)
        if upcoming_only:
            statement = statement.where(col(CalendarEventRow.ends_at) > self.store.now())
        with self.store.session() as session:
            rows = session.exec(statement.order_by(col(CalendarEventRow.starts_at), col(CalendarEventRow.id))).all()
        return {"events": [_event(r) for r in rows], "count": len(rows)}
