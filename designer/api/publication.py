"""Before publishing: the preview (diff since the published version, findings), and requests to publish."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.api.drafts import load_draft
from designer.checking import Checker
from designer.errors import NotFound
from designer.schemas.checks import ValidationReport
from designer.schemas.publication import PublicationPreview, PublicationRequestCreate, PublicationRequestRead
from designer.security.guards import requires
from designer.security.principal import Principal
from designer.store.drafts import DraftStore
from designer.store.publication_requests import PublicationRequestStore
from engine.definition.diff import diff_workflows
from engine.errors import InvalidDefinition
from engine.read_models.definitions import DefinitionCatalog

__all__ = ["PublicationController"]

DraftId = Annotated[str, PathParameter(max_length=64, description="The draft's id.")]


class PublicationController(Controller):
    path = "/api"
    tags = ("drafts",)
    middleware = (refuse_undeclared_query_parameters,)

    @get("/drafts/{draft_id:str}/publication", summary="What publishing the draft would change", sync_to_thread=True)
    def preview(  # noqa: PLR0917 - Litestar injects each dependency by name
        self,
        draft_id: DraftId,
        me: NamedDependency[Principal],
        drafts: NamedDependency[DraftStore],
        catalog: NamedDependency[DefinitionCatalog],
        checker: NamedDependency[Checker],
        requests: NamedDependency[PublicationRequestStore],
    ) -> PublicationPreview:
        row = load_draft(drafts, draft_id)
        loaded = checker.load(row.content, tenant=me.tenant)
        published = catalog.latest_version(row.workflow_id) if row.workflow_id else None
        diff = None
        if published is not None and row.workflow_id is not None:
            try:
                after = loaded.model or checker.shaped(row.content, "the draft")
            except InvalidDefinition:
                after = None
            if after is not None:
                before = catalog.get(row.workflow_id, published).workflow()
                diff = diff_workflows(before, after.model_copy(update={"version": published + 1}))
        request = requests.get(draft_id)
        return PublicationPreview(
            draft_id=row.id,
            workflow_id=row.workflow_id,
            title=row.title,
            revision=row.revision,
            base_version=row.base_version,
            published_version=published,
            next_version=(published or 0) + 1 if row.workflow_id else None,
            replaces_other_flow=row.base_version is None and published is not None,
            base_outdated=row.base_version is not None and published is not None and published > row.base_version,
            diff=diff,
            report=ValidationReport.of(loaded.findings),
            request=None if request is None else PublicationRequestRead.of(request),
        )

    @post(
        "/drafts/{draft_id:str}/publication-request",
        status_code=HTTP_201_CREATED,
        opt=requires("edit_drafts"),
        summary="Ask a publisher to publish the draft",
        sync_to_thread=True,
    )
    def request_publication(
        self,
        draft_id: DraftId,
        me: NamedDependency[Principal],
        drafts: NamedDependency[DraftStore],
        requests: NamedDependency[PublicationRequestStore],
        data: JSONBody[PublicationRequestCreate],
    ) -> PublicationRequestRead:
        row = load_draft(drafts, draft_id)
        made = requests.request(
            row.id, workflow_id=row.workflow_id, title=row.title, revision=row.revision, actor=me.username,
            note=data.note,
        )
        return PublicationRequestRead.of(made)

    @delete(
        "/drafts/{draft_id:str}/publication-request",
        status_code=HTTP_204_NO_CONTENT,
        opt=requires("edit_drafts"),
        summary="Withdraw the request to publish the draft",
        sync_to_thread=True,
    )
    def withdraw(self, draft_id: DraftId, requests: NamedDependency[PublicationRequestStore]) -> None:
        if not requests.withdraw(draft_id):
            raise NotFound(f"no request to publish draft '{draft_id}'")

    @get("/publication-requests", summary="Drafts waiting for a publisher, oldest request first", sync_to_thread=True)
    def open_requests(self, requests: NamedDependency[PublicationRequestStore]) -> list[PublicationRequestRead]:
        return [PublicationRequestRead.of(r) for r in requests.open()]
