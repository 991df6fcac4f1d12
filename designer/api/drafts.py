"""Drafts: create, read, save, delete, validate — the analyst's work in progress."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import Body, JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from designer._body_media import takes_no_body
from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.checking import Checker
from designer.diagrams import DiagramFormat, Download, diagram_response
from designer.draft_identity import refuse_taken_id, refuse_taken_id_on_save, untouched_draft
from designer.errors import ConfirmationRequired, NotFound, RevisionConflict
from designer.graphviz_slots import GraphvizSlots, laid_out
from designer.publishing import publish
from designer.schemas.checks import ValidationReport
from designer.schemas.definitions import VersionDetail
from designer.schemas.drafts import DraftCreate, DraftRead, DraftSummary, DraftUpdate, PublishOptions
from designer.schemas.layout import LayoutRead
from designer.schemas.pagination import Page, PageParams
from designer.security.guards import requires
from designer.security.principal import Principal
from designer.store.drafts import DraftRow, DraftStore, RevisionMismatch
from designer.store.publication_requests import PublicationRequestStore
from engine.read_models.definitions import DefinitionCatalog
from engine.runtime.engine import Engine

__all__ = ["DraftController", "load_draft", "no_draft"]

DraftId = Annotated[str, PathParameter(max_length=64, description="The draft's id.")]


def no_draft(draft_id: str) -> NotFound:
    """A draft that is not there, with the reasons one that existed is gone: whoever opens a link to it (any role
    may open drafts) learns that it was published or deleted, not only that it is missing."""
    return NotFound(
        f"no draft '{draft_id}': publishing a draft removes it (its workflow is then among the definitions, "
        "GET /api/definitions), and so does deleting it; or the id is mistyped"
    )


def load_draft(drafts: NamedDependency[DraftStore], draft_id: str) -> DraftRow:
    row = drafts.get(draft_id)
    if row is None:
        raise no_draft(draft_id)
    return row


class DraftController(Controller):
    path = "/api/drafts"
    tags = ("drafts",)
    middleware = (refuse_undeclared_query_parameters,)

    @get("/", summary="Drafts, latest saved first", sync_to_thread=True)
    def list_drafts(
        self,
        drafts: NamedDependency[DraftStore],
        page: NamedDependency[PageParams],
        workflow: Annotated[str | None, QueryParameter(max_length=128, description="Only drafts of this id.")] = None,
    ) -> Page[DraftSummary]:
        found = drafts.list(workflow_id=workflow, limit=page.limit, offset=page.offset)
        return page.page([DraftSummary.of(r) for r in found.items], found.total)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        opt=requires("edit_drafts"),
        summary="Create a draft (200 with the existing one when an untouched draft of that version exists)",
        responses={HTTP_200_OK: ResponseSpec(DraftRead, description="An untouched draft of that version exists "
                                             "already: it is returned instead of a copy")},
        sync_to_thread=True,
    )
    def create_draft(
        self,
        data: JSONBody[DraftCreate],
        me: NamedDependency[Principal],
        drafts: NamedDependency[DraftStore],
        catalog: NamedDependency[DefinitionCatalog],
    ) -> Response[DraftRead]:
        if data.content is not None:
            if data.new_workflow:
                refuse_taken_id(data.content, drafts=drafts, catalog=catalog)
            row = drafts.create(data.content, actor=me.username, base_version=data.base_version)
            return Response(DraftRead.of(row), status_code=HTTP_201_CREATED)
        assert data.workflow_id is not None
        deployed = catalog.get(data.workflow_id, data.base_version)
        content = VersionDetail.of(deployed).definition
        existing = untouched_draft(drafts, deployed.workflow_id, deployed.version, content)
        if existing is not None:
            return Response(DraftRead.of(existing), status_code=HTTP_200_OK)
        row = drafts.create(content, actor=me.username, base_version=deployed.version)
        return Response(DraftRead.of(row), status_code=HTTP_201_CREATED)

    @get("/{draft_id:str}", summary="One draft with its content", sync_to_thread=True)
    def get_draft(self, draft_id: DraftId, drafts: NamedDependency[DraftStore]) -> DraftRead:
        return DraftRead.of(load_draft(drafts, draft_id))

    @put("/{draft_id:str}", opt=requires("edit_drafts"), summary="Save a draft", sync_to_thread=True)
    def update_draft(
        self,
        draft_id: DraftId,
        data: JSONBody[DraftUpdate],
        me: NamedDependency[Principal],
        drafts: NamedDependency[DraftStore],
        catalog: NamedDependency[DefinitionCatalog],
    ) -> DraftRead:
        refuse_taken_id_on_save(load_draft(drafts, draft_id), data.content, drafts=drafts, catalog=catalog)
        try:
            row = drafts.update(draft_id, data.content, actor=me.username, expected_revision=data.expected_revision)
        except RevisionMismatch as exc:
            raise RevisionConflict(f"{exc}; reload it and apply your change again") from exc
        if row is None:
            raise no_draft(draft_id)
        return DraftRead.of(row)

    @delete(
        "/{draft_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        opt=requires("edit_drafts"),
        summary="Delete a draft",
        sync_to_thread=True,
    )
    def delete_draft(
        self, draft_id: DraftId, drafts: NamedDependency[DraftStore], requests: NamedDependency[PublicationRequestStore]
    ) -> None:
        if not drafts.delete(draft_id):
            raise no_draft(draft_id)
        requests.withdraw(draft_id)

    @post("/{draft_id:str}/validate", status_code=HTTP_200_OK, summary="Validate a saved draft", sync_to_thread=True,
          opt=takes_no_body("it validates the draft as saved; to validate content not saved yet, POST it to "
                            '/api/validate as {"definition": …}, or save it first (PUT /api/drafts/{draft_id})'))
    def validate_draft(
        self,
        draft_id: DraftId,
        drafts: NamedDependency[DraftStore],
        checker: NamedDependency[Checker],
        me: NamedDependency[Principal],
    ) -> ValidationReport:
        return ValidationReport.of(checker.load(load_draft(drafts, draft_id).content, tenant=me.tenant).findings)

    @get(
        "/{draft_id:str}/diagram",
        summary="Draw a saved draft",
        sync_to_thread=True,
        response_description="The diagram in the requested format.",
    )
    def draft_diagram(
        self,
        *,
        draft_id: DraftId,
        drafts: NamedDependency[DraftStore],
        checker: NamedDependency[Checker],
        me: NamedDependency[Principal],
        graphviz: NamedDependency[GraphvizSlots],
        format: DiagramFormat = "svg",
        download: Download = False,
    ) -> Response[bytes]:
        row = load_draft(drafts, draft_id)
        return diagram_response(checker.require(row.content, "the draft"), format, download=download,
                                graphviz=graphviz, user=me.user_id)

    @post(
        "/{draft_id:str}/publish",
        status_code=HTTP_201_CREATED,
        opt=requires("publish"),
        summary="Publish a draft as the next version (422 with findings while it has errors; 409 "
        "confirmation-required when a new workflow's id is already published, until confirm_replace)",
        sync_to_thread=True,
    )
    def publish_draft(  # noqa: PLR0917 - Litestar injects each dependency by name
        self,
        draft_id: DraftId,
        me: NamedDependency[Principal],
        drafts: NamedDependency[DraftStore],
        engine: NamedDependency[Engine],
        catalog: NamedDependency[DefinitionCatalog],
        checker: NamedDependency[Checker],
        requests: NamedDependency[PublicationRequestStore],
        data: Annotated[PublishOptions | None, Body(description="Optional: {confirm_replace: true}.")] = None,
    ) -> VersionDetail:
        row = load_draft(drafts, draft_id)
        options = data or PublishOptions()
        workflow = checker.require(row.content, "the draft", actions=True)
        published_version = catalog.latest_version(workflow.id)
        if row.base_version is None and published_version is not None and not options.confirm_replace:
            raise ConfirmationRequired(
                f"this draft was started as a new workflow, but '{workflow.id}' is already published "
                f"(v{published_version}, {catalog.get(workflow.id, published_version).title}); publishing makes "
                "it that flow's next version — confirm with confirm_replace, or give the draft another id"
            )
        published = publish(row.content, engine=engine, catalog=catalog, checker=checker, actor=me.username)
        drafts.delete(draft_id)
        requests.withdraw(draft_id)
        return VersionDetail.of(published)

    @get("/{draft_id:str}/layout", summary="Auto-layout positions of a saved draft", sync_to_thread=True)
    def draft_layout(
        self,
        draft_id: DraftId,
        drafts: NamedDependency[DraftStore],
        checker: NamedDependency[Checker],
        me: NamedDependency[Principal],
        graphviz: NamedDependency[GraphvizSlots],
    ) -> LayoutRead:
        workflow = checker.shaped(load_draft(drafts, draft_id).content, "the draft")
        return LayoutRead.of(laid_out(workflow, graphviz=graphviz, user=me.user_id))
