"""Deployed definitions: list, read, versions, a structural diff of two versions, diagrams."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter

from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.checking import Checker
from designer.diagrams import DiagramFormat, Download, diagram_response
from designer.graphviz_slots import GraphvizSlots, laid_out
from designer.highlighting import instance_highlight, tenant_instance
from designer.review_pack import REVIEW_MEDIA_TYPES, ReviewFormat, review_response
from designer.schemas.definitions import DefinitionSummary, VersionDetail, VersionSummary
from designer.schemas.layout import LayoutRead
from designer.schemas.pagination import Page, PageParams
from designer.security.principal import Principal
from designer.store.drafts import DraftStore
from engine.definition.diff import DefinitionDiff, diff_workflows
from engine.errors import InstanceNotFound
from engine.read_models.definitions import DefinitionCatalog
from engine.runtime.engine import Engine

__all__ = ["DefinitionController"]

WorkflowId = Annotated[str, PathParameter(max_length=128, description="The workflow's id.")]
VersionNumber = Annotated[int, PathParameter(ge=1, le=2_147_483_647)]
OptionalVersion = Annotated[int | None, QueryParameter(ge=1, le=2_147_483_647, description="Default: the latest.")]


class DefinitionController(Controller):
    path = "/api/definitions"
    tags = ("definitions",)
    middleware = (refuse_undeclared_query_parameters,)

    @get("/", summary="Deployed definitions (their latest versions)", sync_to_thread=True)
    def list_definitions(
        self,
        catalog: NamedDependency[DefinitionCatalog],
        drafts: NamedDependency[DraftStore],
        page: NamedDependency[PageParams],
        q: Annotated[str | None, QueryParameter(max_length=200, description="Matches id or title.")] = None,
    ) -> Page[DefinitionSummary]:
        found, total = catalog.latest_page(query=q, limit=page.limit, offset=page.offset)
        versions = catalog.version_count()
        draft_counts = drafts.count_by_workflow()
        items = []
        for deployed in found:
            workflow = deployed.workflow()
            items.append(
                DefinitionSummary(
                    id=deployed.workflow_id,
                    title=deployed.title,
                    description=workflow.description,
                    latest_version=deployed.version,
                    versions=versions.get(deployed.workflow_id, 1),
                    states=len(workflow.states),
                    transitions=len(workflow.transitions),
                    published_at=VersionSummary.of(deployed).published_at,
                    drafts=draft_counts.get(deployed.workflow_id, 0),
                )
            )
        return page.page(items, total)

    @get("/{workflow_id:str}", summary="The latest version of a definition", sync_to_thread=True)
    def get_definition(self, workflow_id: WorkflowId, catalog: NamedDependency[DefinitionCatalog]) -> VersionDetail:
        return VersionDetail.of(catalog.get(workflow_id))

    @get("/{workflow_id:str}/versions", summary="Versions of a definition, newest first", sync_to_thread=True)
    def list_versions(
        self, workflow_id: WorkflowId, catalog: NamedDependency[DefinitionCatalog], page: NamedDependency[PageParams]
    ) -> Page[VersionSummary]:
        found, total = catalog.versions(workflow_id, limit=page.limit, offset=page.offset)
        return page.page([VersionSummary.of(v) for v in found], total)

    @get("/{workflow_id:str}/versions/{version:int}", summary="One version with its content", sync_to_thread=True)
    def get_version(
        self, workflow_id: WorkflowId, version: VersionNumber, catalog: NamedDependency[DefinitionCatalog]
    ) -> VersionDetail:
        return VersionDetail.of(catalog.get(workflow_id, version))

    @get("/{workflow_id:str}/versions/{version:int}/review", summary="The review pack of a version (PDF or HTML)",
         sync_to_thread=True, response_description="A document a reviewer signs.",
         opt={"media_types": sorted(REVIEW_MEDIA_TYPES.values())})
    def review_pack(
        self,
        *,
        workflow_id: WorkflowId,
        version: VersionNumber,
        catalog: NamedDependency[DefinitionCatalog],
        checker: NamedDependency[Checker],
        me: NamedDependency[Principal],
        graphviz: NamedDependency[GraphvizSlots],
        format: Annotated[ReviewFormat, QueryParameter(description="pdf or html (self-contained).")] = "pdf",
        paper: Annotated[Literal["A4", "letter"], QueryParameter(description="The PDF's paper size.")] = "A4",
        previous: Annotated[int | None, QueryParameter(ge=1, le=2_147_483_647,
                                                       description="Compare with it (default: the one before).")]
        = None,
    ) -> Response[Any]:
        return review_response(catalog, checker, workflow_id, version, previous=previous, fmt=format, page=paper,
                               graphviz=graphviz, user=me.user_id)

    @get("/{workflow_id:str}/diff", summary="What changed between two versions", sync_to_thread=True)
    def diff(
        self,
        workflow_id: WorkflowId,
        catalog: NamedDependency[DefinitionCatalog],
        from_version: Annotated[int, QueryParameter(name="from", ge=1, le=2_147_483_647)],
        to_version: Annotated[int, QueryParameter(name="to", ge=1, le=2_147_483_647)],
    ) -> DefinitionDiff:
        before = catalog.get(workflow_id, from_version).workflow()
        after = catalog.get(workflow_id, to_version).workflow()
        return diff_workflows(before, after)

    @get(
        "/{workflow_id:str}/diagram",
        summary="Draw a version, optionally with an instance's path highlighted",
        sync_to_thread=True,
        response_description="The diagram in the requested format.",
    )
    def diagram(
        self,
        *,
        workflow_id: WorkflowId,
        me: NamedDependency[Principal],
        engine: NamedDependency[Engine],
        catalog: NamedDependency[DefinitionCatalog],
        graphviz: NamedDependency[GraphvizSlots],
        version: OptionalVersion = None,
        instance: Annotated[str | None, QueryParameter(max_length=64, description="Highlight its path.")] = None,
        format: DiagramFormat = "svg",
        download: Download = False,
    ) -> Response[Any]:
        highlighted = None
        if instance is not None:
            run = tenant_instance(engine, instance, me.tenant)
            if run.workflow_id != workflow_id:
                raise InstanceNotFound(f"no instance '{instance}' of {workflow_id}")
            version = version or run.workflow_version
        workflow = catalog.get(workflow_id, version).workflow()
        if instance is not None:
            highlighted = instance_highlight(engine, workflow, instance)
        return diagram_response(workflow, format, highlight=highlighted, download=download, graphviz=graphviz,
                                user=me.user_id)

    @get("/{workflow_id:str}/layout", summary="Auto-layout positions of a version", sync_to_thread=True)
    def layout(
        self,
        workflow_id: WorkflowId,
        catalog: NamedDependency[DefinitionCatalog],
        me: NamedDependency[Principal],
        graphviz: NamedDependency[GraphvizSlots],
        version: OptionalVersion = None,
    ) -> LayoutRead:
        workflow = catalog.get(workflow_id, version).workflow()
        return LayoutRead.of(laid_out(workflow, graphviz=graphviz, user=me.user_id))
