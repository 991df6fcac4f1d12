"""Path time and cost (engine.paths) for the designer's Paths panel: of editor content (declared figures only)
and of a published version (with what its recorded runs in my tenant say)."""

from __future__ import annotations

import os
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK

from designer._unstorable_text import STORES_NOTHING
from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.checking import Checker
from designer.schemas.checks import DefinitionBody
from designer.security.principal import Principal
from engine.definition import Workflow
from engine.errors import InvalidDefinition
from engine.model_rates import PROVIDER_ENV, deployment_rates, over_stored
from engine.paths import PathsReport, RecordedRuns, analyze_paths
from engine.read_models.definitions import DefinitionCatalog
from engine.read_models.path_history import recorded_runs
from engine.runtime.engine import Engine

__all__ = ["PathController"]

_WorkflowId = Annotated[str, PathParameter(max_length=128, description="The workflow's id.")]
_Version = Annotated[int | None, QueryParameter(ge=1, le=2_147_483_647, description="Default: the latest.")]


def _report(workflow: Workflow, checker: Checker, engine: Engine, recorded: RecordedRuns | None = None) -> PathsReport:
    """The paths, their costs expected with the prices the executors take (the database's over the price file's
    over the built-in ones), as `statewright analyze --paths --db` expects them."""
    catalog = checker.catalog(actions=False)
    prices = over_stored(deployment_rates(), engine.model_prices(), os.environ.get(PROVIDER_ENV, ""))
    return analyze_paths(workflow, agents=catalog.agents, prices=prices, subflow=catalog.workflows.get,
                         recorded=recorded)


class PathController(Controller):
    tags = ("checks",)
    middleware = (refuse_undeclared_query_parameters,)
    opt = STORES_NOTHING

    @post("/api/paths", status_code=HTTP_200_OK, summary="Each path's time and cost, from the definition alone",
          sync_to_thread=True)
    def draft_paths(self, data: JSONBody[DefinitionBody], checker: NamedDependency[Checker],
                    engine: NamedDependency[Engine]) -> PathsReport:
        loaded = checker.load(data.document, actions=False)
        if loaded.model is None:
            raise InvalidDefinition(loaded.findings)
        return _report(loaded.model, checker, engine)

    @get("/api/definitions/{workflow_id:str}/paths", summary="Each path's time and cost, with recorded runs",
         sync_to_thread=True)
    def published_paths(
        self, *, workflow_id: _WorkflowId, me: NamedDependency[Principal], engine: NamedDependency[Engine],
        catalog: NamedDependency[DefinitionCatalog], checker: NamedDependency[Checker], version: _Version = None,
    ) -> PathsReport:
        workflow = catalog.get(workflow_id, version).workflow()
        recorded = recorded_runs(engine.database, workflow.id, workflow.version, tenant=me.tenant)
        return _report(workflow, checker, engine, recorded)
