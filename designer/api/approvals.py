"""Approvals: my inbox, one request with what an approver needs, deciding it, and decisions taken."""

from __future__ import annotations

from typing import Annotated, Literal

import sqlalchemy as sa
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK

from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.approval_cards import approval_summaries, approval_titles, deployed_workflow
from designer.approval_decisions import decide, visible_approval
from designer.replayed_answers import REPLAYED_HEADER, replayed_header
from designer.schemas.approvals import ApprovalDetail, ApprovalSummary, DecisionCreate, DecisionRead
from designer.schemas.instances import HistoryEntryRead, InstanceSummary
from designer.schemas.pagination import DEFAULT_LIMIT, Page, PageParams
from designer.security.guards import requires
from designer.security.principal import Principal
from engine.definition.base import IDENTIFIER_PATTERN
from engine.errors import InvalidInput
from engine.read_models.approvals import (
    ApprovalQuery,
    ApprovalRecordView,
    DecisionPlace,
    decision_place,
    list_approvals,
    list_decisions,
)
from engine.read_models.definitions import DefinitionCatalog
from engine.runtime.engine import Engine
from engine.runtime.views import InstanceView

__all__ = ["ApprovalController"]

ApprovalId = Annotated[int, PathParameter(ge=1, le=2**62, description="The approval's id.")]
Before = Annotated[int | None, QueryParameter(
    ge=1, le=2**62, description="An approval's id: only the decisions listed after the decision on it (yours, or "
    "`before_actor`'s) — the last decision of the page before, so the next page stays put however many decisions "
    "are taken meanwhile; `offset` then counts from it.")]
BeforeActor = Annotated[str | None, QueryParameter(
    min_length=1, max_length=200, description="With `before`: whose decision on that approval the page comes after "
    "(yours unless given; for an admin's list of everyone's, the `actor` of the last decision of the page before).")]
# The transitions a request's detail shows: the latest, as many as a page of GET /api/instances/{id}/history
RECENT_HISTORY = DEFAULT_LIMIT


def _summaries(engine: Engine, catalog: DefinitionCatalog, found: list[ApprovalRecordView]) -> list[ApprovalSummary]:
    """The cards of an inbox page, with the workflow's and state's titles of the version each instance runs."""
    versions = {i: engine.get(i).workflow_version for i in {a.instance_id for a in found}}
    return approval_summaries(catalog, found, versions)


def _recent_history(engine: Engine, instance: InstanceView) -> list[HistoryEntryRead]:
    """The instance's last `RECENT_HISTORY` transitions, oldest first — only those rows are read, however long
    its history (its version is the seq of its last transition: seqs run 1, 2, … without a gap)."""
    after = max(0, instance.version - RECENT_HISTORY)
    return [HistoryEntryRead.of(e) for e in engine.history(instance.id, after_seq=after, limit=RECENT_HISTORY)]


def _place(database: sa.Engine, me: Principal, listed: str | None, approval_id: int | None,
           actor: str | None) -> DecisionPlace | None:
    """Where the page after the decision `actor` (or I) took on `approval_id` starts: that decision's place, when
    it is one of the decisions listed (`listed`: whose; None for everyone's)."""
    if approval_id is None:
        if actor is not None:
            raise InvalidInput("before_actor: give it with before, the approval of the decision to list from")
        return None
    by = actor or me.username
    found = decision_place(database, tenant=me.tenant, approval_id=approval_id, actor=by)
    if found is None or (listed is not None and by != listed):
        whose = "of yours" if by == me.username else f"by '{by}'"
        its_actor = " and its actor as before_actor" if listed is None else ""
        raise InvalidInput(f"before: approval {approval_id} has no decision {whose} in this list to list from; give "
                           f"the approval_id of the last decision of the page before{its_actor}")
    return found


def _detail(engine: Engine, catalog: DefinitionCatalog, approval: ApprovalRecordView) -> ApprovalDetail:
    instance = engine.get(approval.instance_id)
    workflow = deployed_workflow(catalog, instance.workflow_id, instance.workflow_version)
    state = None if workflow is None else workflow.states.get(approval.state)
    return ApprovalDetail(
        **ApprovalSummary.of(approval, approval_titles(workflow, approval.state)).model_dump(),
        description=None if state is None else state.description,
        context=instance.context,
        instance=InstanceSummary.of(instance),
        history=_recent_history(engine, instance),
        history_total=instance.version,  # its transitions in all (see `_recent_history`)
        history_truncated=instance.version > RECENT_HISTORY,
    )


class ApprovalController(Controller):
    path = "/api/approvals"
    tags = ("approvals",)
    middleware = (refuse_undeclared_query_parameters,)

    @get("/", summary="My inbox: requests assigned to my approver roles or to me", sync_to_thread=True)
    def inbox(
        self,
        *,
        me: NamedDependency[Principal],
        database: NamedDependency[sa.Engine],
        engine: NamedDependency[Engine],
        catalog: NamedDependency[DefinitionCatalog],
        page: NamedDependency[PageParams],
        status: Annotated[Literal["pending", "decided", "all"], QueryParameter()] = "pending",
        workflow: Annotated[str | None, QueryParameter(max_length=128, pattern=IDENTIFIER_PATTERN)] = None,
        instance: Annotated[str | None, QueryParameter(max_length=64)] = None,
    ) -> Page[ApprovalSummary]:
        admin = me.can("admin")
        query = ApprovalQuery(
            tenant=me.tenant,
            username=None if admin else me.username,
            roles=() if admin else me.approver_roles,
            status=status,
            workflow_id=workflow,
            instance_id=instance,
        )
        found, total = list_approvals(database, query, limit=page.limit, offset=page.offset)
        return page.page(_summaries(engine, catalog, found), total)

    @get(
        "/decisions",
        summary="Decisions taken, newest first (mine, or all of the tenant for an admin)",
        sync_to_thread=True,
    )
    def decisions(
        self,
        *,
        me: NamedDependency[Principal],
        database: NamedDependency[sa.Engine],
        page: NamedDependency[PageParams],
        mine: Annotated[bool, QueryParameter(description="false: everyone's (admin only).")] = True,
        before: Before = None,
        before_actor: BeforeActor = None,
    ) -> Page[DecisionRead]:
        actor = None if (not mine and me.can("admin")) else me.username
        place = _place(database, me, actor, before, before_actor)
        found, total = list_decisions(database, tenant=me.tenant, actor=actor, limit=page.limit, offset=page.offset,
                                      before=place)
        return page.page([DecisionRead.of(d) for d in found], total)

    @get("/{approval_id:int}", summary="One request with the context an approver needs", sync_to_thread=True)
    def get_approval(
        self,
        approval_id: ApprovalId,
        me: NamedDependency[Principal],
        engine: NamedDependency[Engine],
        database: NamedDependency[sa.Engine],
        catalog: NamedDependency[DefinitionCatalog],
    ) -> ApprovalDetail:
        return _detail(engine, catalog, visible_approval(database, me, approval_id))

    @post(
        "/{approval_id:int}/decision",
        status_code=HTTP_200_OK,
        opt=requires("decide"),
        summary="Approve or reject, with a comment (the same decision again changes nothing)",
        response_headers=[replayed_header("you had taken this decision already: nothing was done now, and the "
                                          "answer is the request as it is now, decided or waiting for others")],
        sync_to_thread=True,
    )
    def decide(
        self,
        *,
        approval_id: ApprovalId,
        data: JSONBody[DecisionCreate],
        me: NamedDependency[Principal],
        engine: NamedDependency[Engine],
        database: NamedDependency[sa.Engine],
        catalog: NamedDependency[DefinitionCatalog],
    ) -> Response[ApprovalDetail]:
        taken = decide(
            engine, database, me, approval_id, data.decision, comment=data.comment, key=data.idempotency_key
        )
        return Response(_detail(engine, catalog, taken.approval),
                        headers={REPLAYED_HEADER: "true"} if taken.replayed else None)
