"""What the designer's pickers list — the registered action handlers, the deployed agents, the deployed workflows:
the engine's catalog, the one deploy and the designer's checks use — and the JSON Schema of the definition
format that the JSON view completes, explains and checks against."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.di import NamedDependency

from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.pickers import action_entries, agent_entries, workflow_entries
from designer.schemas.catalog import ActionEntry, AgentEntry, WorkflowEntry
from engine.definition.schema import workflow_json_schema
from engine.runtime.engine import Engine

__all__ = ["CatalogController"]


class CatalogController(Controller):
    path = "/api/catalog"
    tags = ("catalog",)
    middleware = (refuse_undeclared_query_parameters,)

    @get("/actions", summary="The registered action handlers, with the shape deployed tasks give them",
         sync_to_thread=True)
    def actions(self, engine: NamedDependency[Engine]) -> list[ActionEntry]:
        return action_entries(engine.catalog())

    @get("/agents", summary="The deployed agents with their policies", sync_to_thread=True)
    def agents(self, engine: NamedDependency[Engine]) -> list[AgentEntry]:
        return agent_entries(engine.catalog())

    @get("/workflows", summary="The deployed workflows (latest versions), for subflows", sync_to_thread=True)
    def workflows(self, engine: NamedDependency[Engine]) -> list[WorkflowEntry]:
        return workflow_entries(engine.catalog())

    @get("/schema/workflow", summary="The JSON Schema of a workflow definition (as in definitions/schema)")
    async def workflow_schema(self) -> dict[str, Any]:
        return _WORKFLOW_SCHEMA


_WORKFLOW_SCHEMA = workflow_json_schema()
