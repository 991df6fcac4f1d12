"""calendar.* tools: business-hours availability around booked events, idempotent booking, finding events."""

from __future__ import annotations

import pytest

from agents.tools import ToolError, ToolRegistry
from engine import ManualClock

REP = "maria.chen@example.com"


def test_free_slots_start_the_next_business_day_on_the_half_hour(tools: ToolRegistry) -> None:
    slots = tools.call("calendar.availability.find", {"organizer": REP, "duration_minutes": 30, "limit": 3})["slots"]
    assert [s["starts_at"] for s in slots] == ["2030-01-16T09:00:00Z", "2030-01-16T09:30:00Z", "2030-01-16T10:00:00Z"]


def test_booked_time_is_not_offered_again(tools: ToolRegistry) -> None:
    tools.call("calendar.events.create", {"title": "Busy", "organizer": REP, "starts_at": "2030-01-16T09:00:00Z",
                                          "duration_minutes": 60, "attendees": [REP]})
    slots = tools.call("calendar.availability.find", {"organizer": REP, "limit": 1})["slots"]
    assert slots[0]["starts_at"] == "2030-01-16T10:00:00Z"


def test_weekends_and_evenings_are_skipped(tools: ToolRegistry, clock: ManualClock) -> None:
    clock.advance(3 * 86400 + 6 * 3600)  # Friday 2030-01-18, 18:00 UTC
    slots = tools.call("calendar.availability.find", {"organizer": REP, "duration_minutes": 480, "limit": 2})["slots"]
    assert [s["starts_at"] for s in slots] == ["2030-01-21T09:00:00Z", "2030-01-22T09:00:00Z"]
    with pytest.raises(ToolError) as bad:
        tools.call("calendar.availability.find", {"organizer": REP, "duration_minutes": 0})
    assert bad.value.kind == "validation"


def test_an_event_with_an_idempotency_key_is_booked_once_and_found_by_attendee(tools: ToolRegistry) -> None:
    event = {"title": "Discovery", "organizer": REP, "starts_at": "2030-01-16T09:00:00+00:00",
             "duration_minutes": 30, "attendees": [REP, "Ann@Example.com"], "kind": "discovery",
             "idempotency_key": "i-1:7:event"}
    first = tools.call("calendar.events.create", event)
    second = tools.call("calendar.events.create", event)
    assert (first["created"], second["created"]) == (True, False)
    assert first["event"]["id"] == second["event"]["id"]
    assert first["event"]["ends_at"] == "2030-01-16T09:30:00Z"
    found = tools.call("calendar.events.search", {"attendee_email": "ann@example.com", "kind": "discovery"})
    assert [e["id"] for e in found["events"]] == [first["event"]["id"]]
    assert tools.call("calendar.events.search", {"attendee_email": "ann@example.com", "kind": "demo"})["events"] == []


def test_past_events_are_not_upcoming(tools: ToolRegistry, clock: ManualClock) -> None:
    tools.call("calendar.events.create", {"title": "Call", "organizer": REP, "starts_at": "2030-01-16T09:00:00Z",
                                          "duration_minutes": 30, "attendees": ["ann@example.com"]})
    clock.advance(2 * 86400)
    assert tools.call("calendar.events.search", {"attendee_email": "ann@example.com"})["events"] == []
    assert len(tools.call("calendar.events.search", {"attendee_email": "ann@example.com",
                                                     "upcoming_only": False})["events"]) == 1
    with pytest.raises(ToolError) as bad:
        tools.call("calendar.events.create", {"title": "x", "organizer": REP, "starts_at": "tomorrow",
                                              "duration_minutes": 30, "attendees": []})
    assert bad.value.kind == "validation"


def test_a_booking_takes_any_rfc_3339_spelling_and_refuses_a_time_without_an_offset(tools: ToolRegistry) -> None:
    booking = {"title": "Call", "organizer": REP, "duration_minutes": 30, "attendees": [REP]}
    booked = tools.call("calendar.events.create", {**booking, "starts_at": "2030-01-16t11:00:00.5+02:00"})
    assert booked["event"]["starts_at"] == "2030-01-16T09:00:00Z"
    booked = tools.call("calendar.events.create", {**booking, "starts_at": "2030-01-16t10:00:00z"})
    assert booked["event"]["starts_at"] == "2030-01-16T10:00:00Z"
    with pytest.raises(ToolError) as bad:
        tools.call("calendar.events.create", {**booking, "starts_at": "2030-01-16T09:00:00"})
    assert (bad.value.kind, bad.value.message) == (
        "validation", "starts_at: '2030-01-16T09:00:00' has no UTC offset: end it with Z (UTC) or an offset such "
                      "as +02:00")
