"""Server-sent events: a notice each time the caller's tenant's instances or approvals (or the publication
requests, or the drafts) change, so the live pages reload by themselves and an open draft learns at once that it
was saved elsewhere."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from litestar import get
from litestar.di import NamedDependency
from litestar.response import ServerSentEvent, ServerSentEventMessage

from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.live import CLOSED, ChangeFeed
from designer.security.principal import Principal

__all__ = ["stream"]

_KEEPALIVE_S = 15.0


async def _notices(feed: ChangeFeed, tenant: str) -> AsyncIterator[ServerSentEventMessage]:
    async with feed.subscribe(tenant) as notices:
        yield ServerSentEventMessage(event="ready", data="{}", retry=3000)
        while True:
            try:
                kinds = await asyncio.wait_for(notices.get(), timeout=_KEEPALIVE_S)
            except TimeoutError:
                yield ServerSentEventMessage(comment="keep-alive")
                continue
            if kinds is CLOSED:  # the server is shutting down: the stream ends, the page reconnects later
                return
            yield ServerSentEventMessage(event="change", data=json.dumps({"kinds": kinds}))


@get(
    "/api/stream",
    summary="Change notices (text/event-stream): `change` events naming instances, approvals, publications or drafts",
    tags=["live"],
    media_type="text/event-stream",
    middleware=[refuse_undeclared_query_parameters],
)
async def stream(me: NamedDependency[Principal], feed: NamedDependency[ChangeFeed]) -> ServerSentEvent:
    return ServerSentEvent(_notices(feed, me.tenant))
