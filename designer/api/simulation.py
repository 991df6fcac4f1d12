"""Simulation: a definition (even an unsaved draft), a context and events through the engine's pure step, with
the deployed agents' policies on the tasks that name them; and the script that plays one of its paths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from designer._unstorable_text import STORES_NOTHING
from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.api.drafts import load_draft
from designer.checking import Checker
from designer.errors import NotFound
from designer.path_play import PathPlay, play_path
from designer.schemas.simulation import PathPlayRequest, SimulationRequest, SimulationTarget
from designer.security.principal import Principal
from designer.simulation import SimulatedEvent, SimulationResult, simulate
from designer.store.drafts import DraftStore
from engine.definition import Agent, Workflow
from engine.read_models.definitions import DefinitionCatalog
from engine.runtime.context_schema import check_context
from engine.runtime.engine import Engine

__all__ = ["SimulationController"]


def _workflow(data: SimulationTarget, checker: Checker, drafts: DraftStore, catalog: DefinitionCatalog) -> Workflow:
    if data.workflow_id is not None:
        return catalog.get(data.workflow_id, data.version).workflow()
    document: Any = load_draft(drafts, data.draft_id).content if data.draft_id is not None else data.definition
    return checker.require(document)


def _deployed(engine: Engine) -> Callable[[frozenset[str]], dict[str, Agent]]:
    """The deployed agents among the ids asked for."""
    return lambda ids: {a.id: a for a in engine.agents() if a.id in ids}


class SimulationController(Controller):
    path = "/api/simulate"
    tags = ("simulation",)
    middleware = (refuse_undeclared_query_parameters,)
    opt = STORES_NOTHING

    @post(
        "/",
        status_code=HTTP_200_OK,
        summary="Simulate a definition: nothing is stored, no action runs",
        sync_to_thread=True,
    )
    def simulate(
        self,
        data: JSONBody[SimulationRequest],
        *,
        me: NamedDependency[Principal],
        checker: NamedDependency[Checker],
        drafts: NamedDependency[DraftStore],
        catalog: NamedDependency[DefinitionCatalog],
        engine: NamedDependency[Engine],
    ) -> SimulationResult:
        workflow = _workflow(data, checker, drafts, catalog)
        context: dict[str, Any] = data.context if data.context is not None else {}
        events: list[SimulatedEvent] = list(data.events or [])
        if data.example is not None:
            example = next((e for e in workflow.examples if e.name == data.example), None)
            if example is None:
                raise NotFound(f"{workflow.id} has no example '{data.example}'")
            if data.context is None:
                context = dict(example.context)
            if data.events is None:
                events = [SimulatedEvent(event=e.event, payload=e.payload, actor=e.actor) for e in example.events]
        # A start the engine would refuse (a context its schema does not take) is refused here too, rather than
        # simulated as if it ran.
        check_context(workflow.context, context)
        return simulate(workflow, context, events, tenant=me.tenant, actor=me.username,
                        agents=_deployed(engine))

    @post(
        "/path",
        status_code=HTTP_200_OK,
        summary="The events that play one path in the simulator, checked there",
        sync_to_thread=True,
    )
    def play_path(
        self,
        data: JSONBody[PathPlayRequest],
        *,
        me: NamedDependency[Principal],
        checker: NamedDependency[Checker],
        drafts: NamedDependency[DraftStore],
        catalog: NamedDependency[DefinitionCatalog],
        engine: NamedDependency[Engine],
    ) -> PathPlay:
        workflow = _workflow(data, checker, drafts, catalog)
        return play_path(workflow, [step.step() for step in data.route], tenant=me.tenant, actor=me.username,
                         agents=_deployed(engine))
