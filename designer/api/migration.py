"""Migrating the running instances of a workflow to another version, and the failed ones a redrive could
resume: the preview (before and after publishing) and the apply (publishers), the caller's tenant only. The
draft's preview maps the states the draft renamed to their new ids, as the publish dialog does."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK

from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.api.drafts import load_draft
from designer.checking import Checker
from designer.errors import NotFound
from designer.schemas.migration import MAP_PAIRS_PATTERN, MigrationApply, MigrationRead
from designer.security.guards import requires
from designer.security.principal import Principal
from designer.store.drafts import DraftStore
from engine.errors import InvalidInput
from engine.read_models.definitions import DefinitionCatalog
from engine.runtime.engine import Engine

__all__ = ["MigrationController"]

WorkflowId = Annotated[str, PathParameter(max_length=128, description="The workflow's id.")]
DraftId = Annotated[str, PathParameter(max_length=64, description="The draft's id.")]
MapPairs = Annotated[str | None, QueryParameter(
    name="map", max_length=8000, pattern=MAP_PAIRS_PATTERN,
    description="old_state:new_state, comma-separated, for the states the new version renamed or dropped.")]
Limit = Annotated[int, QueryParameter(ge=1, le=1000, description="The plans on a page (the groups count them all).")]
After = Annotated[str | None, QueryParameter(
    max_length=128, description="The instance after which the page starts: the `next` of the page before.")]
OfState = Annotated[str | None, QueryParameter(
    name="state", max_length=128, pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$",
    description="Only the plans of the instances in this state (the groups still cover every instance).")]
AllowFinal = Annotated[bool, QueryParameter(
    name="allow_final", description="Allow moving instances into a final state they are not already in (it ends "
    "them without the work their state waited for); refused otherwise.")]
Renames = Annotated[bool, QueryParameter(
    description="Map the states the draft renamed to their new ids (the publish dialog's renames), unless `map` "
    "maps them otherwise; false: only `map`.")]
PAGE = 100  # the plans of a page when `limit` is not given, and of an apply's answer


def _mapping(pairs: str | None) -> dict[str, str]:
    """`a:b,c:d` as {'a': 'b', 'c': 'd'} (its form is checked by the parameter's pattern)."""
    if not pairs:
        return {}
    mapping: dict[str, str] = {}
    for pair in pairs.split(","):
        source, _, dest = pair.partition(":")
        if source in mapping:
            raise InvalidInput(f"map: the state '{source}' is mapped twice")
        mapping[source] = dest
    return mapping


class MigrationController(Controller):
    path = "/api"
    tags = ("migration",)
    middleware = (refuse_undeclared_query_parameters,)

    @get("/definitions/{workflow_id:str}/migration", summary="What migrating the running instances of one "
         "version to another would do (nothing changes)", sync_to_thread=True)
    def preview(  # noqa: PLR0917 - Litestar injects each dependency by name
        self,
        workflow_id: WorkflowId,
        me: NamedDependency[Principal],
        engine: NamedDependency[Engine],
        from_version: Annotated[int, QueryParameter(name="from", ge=1, le=2_147_483_647)],
        to_version: Annotated[int, QueryParameter(name="to", ge=1, le=2_147_483_647)],
        pairs: MapPairs = None,
        limit: Limit = PAGE,
        after: After = None,
        of_state: OfState = None,
        allow_final: AllowFinal = False,
    ) -> MigrationRead:
        report = engine.migration_preview(workflow_id, from_version, to_version, mapping=_mapping(pairs),
                                          tenant=me.tenant, allow_final=allow_final)
        return MigrationRead.of(report, report.page(limit, after=after, state=of_state))

    @post("/definitions/{workflow_id:str}/migration", status_code=HTTP_200_OK, opt=requires("publish"),
          summary="Migrate the running instances of one version to another, one transaction each (refused "
          "instances are left untouched)", sync_to_thread=True)
    def apply(
        self,
        workflow_id: WorkflowId,
        data: JSONBody[MigrationApply],
        me: NamedDependency[Principal],
        engine: NamedDependency[Engine],
    ) -> MigrationRead:
        report = engine.migrate(workflow_id, data.from_version, data.to_version, mapping=data.mapping,
                                tenant=me.tenant, actor=me.username, allow_final=data.allow_final)
        return MigrationRead.of(report, report.page(PAGE))

    @get("/drafts/{draft_id:str}/migration", summary="What migrating the running instances of the published "
         "version to the draft would do, once published (nothing changes)", sync_to_thread=True)
    def draft_preview(  # noqa: PLR0917 - Litestar injects each dependency by name
        self,
        draft_id: DraftId,
        me: NamedDependency[Principal],
        engine: NamedDependency[Engine],
        drafts: NamedDependency[DraftStore],
        catalog: NamedDependency[DefinitionCatalog],
        checker: NamedDependency[Checker],
        pairs: MapPairs = None,
        limit: Limit = PAGE,
        after: After = None,
        of_state: OfState = None,
        allow_final: AllowFinal = False,
        renames: Renames = True,
    ) -> MigrationRead:
        row = load_draft(drafts, draft_id)
        published = catalog.latest_version(row.workflow_id) if row.workflow_id else None
        if published is None:
            raise NotFound(f"the draft '{draft_id}' has no published version: no instance runs it yet")
        draft = checker.require(row.content, "the draft")
        report = engine.migration_preview(row.workflow_id or draft.id, published, published + 1,
                                          mapping=_mapping(pairs), tenant=me.tenant, target=draft, renames=renames,
                                          allow_final=allow_final)
        return MigrationRead.of(report, report.page(limit, after=after, state=of_state))
