"""Instances of the caller's tenant: start, list with filters, detail, history, send an event, cancel, redrive."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from designer._tenant_instances import REPLAYED_HEADER, Reply, TenantInstances, wants_minimal
from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.errors import NotFound
from designer.history_paging import Order, history_page
from designer.replayed_answers import replayed_header
from designer.schemas.instance_detail import InstanceDetail
from designer.schemas.instances import (
    CancelRequest,
    HistoryEntryRead,
    InstanceStart,
    InstanceSummary,
    RedriveRequest,
    SendEvent,
)
from designer.schemas.map_items import MapItemsRead
from designer.schemas.moments import moment_parameter, parse_window
from designer.schemas.pagination import Page, PageParams
from designer.security.guards import requires
from engine.definition.base import IDENTIFIER_PATTERN
from engine.errors import InstanceNotFound, InvalidInput
from engine.read_models.instances import InstanceQuery, search_instances
from engine.read_models.map_items import map_item_instance, map_items_page
from engine.statuses import InstanceStatus

__all__ = ["REPLAYED_HEADER", "InstanceController", "wants_minimal"]


InstanceId = Annotated[str, PathParameter(max_length=64, description="The instance's id.")]
Prefer = Annotated[
    str | None,
    HeaderParameter(
        name="Prefer",
        max_length=256,
        description="`return=minimal` (RFC 7240): answer with the instance's summary (state, status) instead of "
        "its full detail, saving the reads of history, timers and approvals; `Preference-Applied` says so.",
    ),
]


def _place(instances: TenantInstances, before: str) -> tuple[float, str]:
    """Where the page after the instance `before` starts: its creation time and id."""
    try:
        view = instances.own(before)
    except InstanceNotFound as exc:
        raise InvalidInput(f"before: there is no instance '{before}' in your tenant to list from; give the id of "
                           "the last instance of the page before") from exc
    return view.created_at, view.id


class InstanceController(Controller):
    path = "/api/instances"
    tags = ("instances",)
    middleware = (refuse_undeclared_query_parameters,)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        opt=requires("operate"),
        summary="Start an instance",
        response_headers=[replayed_header("the `idempotency_key` started an instance before: the answer is that "
                                          "instance and nothing new was started")],
    )
    async def start(
        self, data: JSONBody[InstanceStart], instances: NamedDependency[TenantInstances], prefer: Prefer = None
    ) -> Reply:
        me = instances.me
        return await instances.command(instances.engine.start_command(
            data.workflow_id, data.context, version=data.version, tenant=me.tenant,
            idempotency_key=data.idempotency_key, actor=me.username,
        ), prefer, HTTP_201_CREATED)

    @get("/", summary="Instances of my tenant, newest first", sync_to_thread=True)
    def list_instances(
        self,
        *,
        instances: NamedDependency[TenantInstances],
        page: NamedDependency[PageParams],
        workflow: Annotated[str | None, QueryParameter(max_length=128, pattern=IDENTIFIER_PATTERN)] = None,
        version: Annotated[int | None, QueryParameter(ge=1, le=2_147_483_647)] = None,
        state_id: Annotated[
            str | None, QueryParameter(name="state", max_length=128, pattern=IDENTIFIER_PATTERN)
        ] = None,
        status: Annotated[InstanceStatus | None, QueryParameter()] = None,
        tenant: Annotated[str | None, QueryParameter(max_length=64, description="Only your own matches.")] = None,
        since: Annotated[str | None, moment_parameter("Created at or after (RFC 3339).")] = None,
        until: Annotated[str | None, moment_parameter("Created before (RFC 3339).")] = None,
        parent_id: Annotated[str | None, QueryParameter(
            max_length=64, description="Only the children of this instance: the subflows it started (its "
            "parallel branches and map items are its own and never listed).")] = None,
        before: Annotated[str | None, QueryParameter(
            min_length=1, max_length=64, description="An instance's id: only the instances listed after it "
            "(older, or started at the same moment with a later id) — the last one of the page before, so the "
            "next page stays put however many instances start meanwhile; `offset` then counts from it.")] = None,
    ) -> Page[InstanceSummary]:
        me, database = instances.me, instances.database
        created_since, created_until = parse_window(since, until)  # malformed: 400; since not before until: 422
        if tenant is not None and tenant != me.tenant:
            return page.page([], 0)
        place = _place(instances, before) if before is not None else None
        query = InstanceQuery(
            tenant=me.tenant,
            workflow_id=workflow,
            version=version,
            state=state_id,
            status=status,
            since=created_since,
            until=created_until,
            parent_id=parent_id,
        )
        found, total = search_instances(database, query, limit=page.limit, offset=page.offset, before=place)
        return page.page([InstanceSummary.of(r) for r in found], total)

    @get("/{instance_id:str}", summary="One instance with its context, path, approvals and timers", sync_to_thread=True)
    def get_instance(self, instance_id: InstanceId, instances: NamedDependency[TenantInstances]) -> InstanceDetail:
        return instances.detail(instances.own(instance_id))

    @get("/{instance_id:str}/history", summary="The transitions, oldest first (newest first with order=desc)",
         sync_to_thread=True)
    def history(
        self,
        *,
        instance_id: InstanceId,
        instances: NamedDependency[TenantInstances],
        page: NamedDependency[PageParams],
        order: Annotated[Order, QueryParameter(
            description="`asc` (oldest first: `offset` is the seq after which to read) or `desc` (newest first: "
            "`offset` transitions skipped from the latest, or from `before`).")] = "asc",
        before: Annotated[int | None, QueryParameter(
            ge=1, le=2_147_483_647, description="Only the transitions before this seq: with order=desc, the oldest "
            "one a client has, to read the page before it however many came since.")] = None,
    ) -> Page[HistoryEntryRead]:
        view = instances.own(instance_id)  # its version counts its transitions (history's seqs run 1, 2, …)
        chosen = history_page(instances.engine, instance_id, view.version, order=order, limit=page.limit,
                              offset=page.offset, before=before)
        return page.page([HistoryEntryRead.of(e) for e in chosen], view.version)

    @get("/{instance_id:str}/items", summary="The items of the instance's latest map visit, in item order, with "
         "their counts by status (which failed and why, which still run and where)", sync_to_thread=True)
    def map_items(
        self,
        *,
        instance_id: InstanceId,
        instances: NamedDependency[TenantInstances],
        page: NamedDependency[PageParams],
        status: Annotated[InstanceStatus | None, QueryParameter(description="Only the items of this status.")] = None,
    ) -> MapItemsRead:
        instances.own(instance_id)
        found = map_items_page(instances.database, instance_id, status=status, limit=page.limit, offset=page.offset)
        return MapItemsRead.of(found, limit=page.limit, offset=page.offset)

    @get("/{instance_id:str}/items/{index:int}/history", summary="The transitions of one item of the instance's "
         "latest map visit, oldest first", sync_to_thread=True)
    def map_item_history(
        self,
        *,
        instance_id: InstanceId,
        index: Annotated[int, PathParameter(ge=0, le=1_000_000, description="The item's index in the list.")],
        instances: NamedDependency[TenantInstances],
        page: NamedDependency[PageParams],
    ) -> Page[HistoryEntryRead]:
        instances.own(instance_id)
        found = map_item_instance(instances.database, instance_id, index)
        if found is None:
            raise NotFound(f"the instance '{instance_id}' has no item {index} in its latest map visit")
        item_id, transitions = found
        chosen = history_page(instances.engine, item_id, transitions, order="asc", limit=page.limit,
                              offset=page.offset, before=None)
        return page.page([HistoryEntryRead.of(e) for e in chosen], transitions)

    @post(
        "/{instance_id:str}/events",
        status_code=HTTP_200_OK,
        opt=requires("operate"),
        summary="Send an event (409 when the state does not accept it)",
        response_headers=[replayed_header("the `idempotency_key` sent this event before: the answer is what that "
                                          "send answered, and the event was not applied again")],
    )
    async def send(
        self,
        *,
        instance_id: InstanceId,
        data: JSONBody[SendEvent],
        instances: NamedDependency[TenantInstances],
        prefer: Prefer = None,
    ) -> Reply:
        me = instances.me
        return await instances.command(instances.engine.send_command(  # the tenant checked in its transaction
            instance_id, data.event, data.payload, actor=me.username,
            idempotency_key=data.idempotency_key, tenant=me.tenant,
        ), prefer, HTTP_200_OK)

    @post(
        "/{instance_id:str}/cancel",
        status_code=HTTP_200_OK,
        opt=requires("operate"),
        summary="Cancel an instance (and its children)",
        sync_to_thread=True,
    )
    def cancel(self, instance_id: InstanceId, instances: NamedDependency[TenantInstances],
               data: JSONBody[CancelRequest | None] = None) -> InstanceDetail:
        del data  # no fields: a body is read only to refuse what it should not hold (malformed, unknown fields)
        return instances.change(instance_id, partial(instances.engine.cancel, actor=instances.me.username))

    @post(
        "/{instance_id:str}/redrive",
        status_code=HTTP_200_OK,
        opt=requires("operate"),
        summary="Redrive a failed instance: resume it at the state it failed in, its context corrected first by "
        "the body's `set`, if any (409 when it has not failed)",
        sync_to_thread=True,
    )
    def redrive(self, instance_id: InstanceId, instances: NamedDependency[TenantInstances],
                data: JSONBody[RedriveRequest | None] = None) -> InstanceDetail:
        fixes = data.set if data is not None and data.set else None
        redrive = partial(instances.engine.redrive, actor=instances.me.username, fixes=fixes)
        return instances.change(instance_id, redrive, redriving=True)  # a map's item: 409 naming the one to redrive
