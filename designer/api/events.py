"""Publishing an event to the caller's tenant: waiting instances resume, `starts_on` workflows start."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED
from pydantic import BaseModel, ConfigDict, Field, field_validator

from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.security.guards import requires
from designer.security.principal import Principal
from engine.definition.base import EVENT_TYPE_PATTERN
from engine.runtime.clock import to_datetime
from engine.runtime.engine import Engine
from engine.runtime.kept_events import KEEP_FOR_PATTERN, keep_for_seconds

__all__ = ["EventController", "EventPublish", "EventResult"]


class EventPublish(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # as definitions name event types (`order.paid`); the engine refuses its own `statewright.` ones (422)
    type: str = Field(max_length=128, pattern=EVENT_TYPE_PATTERN)
    payload: Any = None
    correlation_key: str | None = Field(None, max_length=200)
    idempotency_key: str | None = Field(None, min_length=1, max_length=200)
    keep_for: str | None = Field(
        None, json_schema_extra={"pattern": KEEP_FOR_PATTERN},
        description="With a correlation key: how long the event is kept for a wait that arms later with its key, if "
                    "none waits now (an ISO 8601 duration of days, hours, minutes and seconds; PT1H unless given; "
                    "PT0S keeps it not).")

    @field_validator("keep_for")
    @classmethod
    def _a_duration(cls, value: str | None) -> str | None:
        keep_for_seconds(value)  # the ValueError says what it takes (a 4xx problem naming the field)
        return value


class EventResult(BaseModel):
    event_id: int
    duplicate: bool = Field(description="The idempotency key was seen before: nothing new happened.")
    started: list[str]
    delivered: list[str]
    unmatched: bool = Field(False, description="It reached nothing and nothing can take it later: no instance "
                                               "waited for it, no workflow starts on it, and it is not kept for a "
                                               "later wait (no correlation key), or no deployed workflow starts on, "
                                               "waits for or asks a reply of its type (a misspelt type).")
    kept_until: datetime | None = Field(None, description="With a correlation key and no wait for it now: until when "
                                        "the first wait state that arms with its key takes it.")
    listened: bool = Field(True, description="Some deployed workflow starts on, waits for or asks a reply of its "
                                             "type.")
    refused: dict[str, str] = Field(default_factory=dict, description="The instances whose wait did not take it, and "
                                    "why: its payload does not fit the context schema where the wait stores it. "
                                    "They go on waiting.")


class EventController(Controller):
    path = "/api/events"
    tags = ("events",)
    middleware = (refuse_undeclared_query_parameters,)

    @post(
        "/",
        status_code=HTTP_202_ACCEPTED,
        opt=requires("operate"),
        summary="Publish an event",
        sync_to_thread=True,
    )
    def publish(
        self, data: JSONBody[EventPublish], me: NamedDependency[Principal], engine: NamedDependency[Engine]
    ) -> EventResult:
        result = engine.publish(
            data.type,
            data.payload,
            correlation_key=data.correlation_key,
            tenant=me.tenant,
            idempotency_key=data.idempotency_key,
            actor=me.username,
            keep_for=keep_for_seconds(data.keep_for),
        )
        return EventResult(
            event_id=result.event_id, duplicate=result.duplicate, started=result.started, delivered=result.delivered,
            unmatched=result.unmatched, refused=result.refused, listened=result.listened,
            kept_until=None if result.kept_until is None else to_datetime(result.kept_until),
        )
