"""Publishing an event to the caller's tenant: waiting instances resume, `starts_on` workflows start."""

from __future__ import annotations

from typing import Any

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED
from pydantic import BaseModel, ConfigDict, Field

from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.security.guards import requires
from designer.security.principal import Principal
from engine.definition.base import EVENT_TYPE_PATTERN
from engine.runtime.engine import Engine

__all__ = ["EventController", "EventPublish", "EventResult"]


class EventPublish(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # as definitions name event types (`order.paid`); the engine refuses its own `statewright.` ones (422)
    type: str = Field(max_length=128, pattern=EVENT_TYPE_PATTERN)
    payload: Any = None
    correlation_key: str | None = Field(None, max_length=200)
    idempotency_key: str | None = Field(None, min_length=1, max_length=200)


class EventResult(BaseModel):
    event_id: int
    duplicate: bool = Field(description="The idempotency key was seen before: nothing new happened.")
    started: list[str]
    delivered: list[str]
    unmatched: bool = Field(False, description="No instance waited for it and no workflow starts on it, and it has "
                                               "no correlation key a later wait could match: it changed nothing.")
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
        )
        return EventResult(
            event_id=result.event_id, duplicate=result.duplicate, started=result.started, delivered=result.delivered,
            unmatched=result.unmatched, refused=result.refused,
        )
