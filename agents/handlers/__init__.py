"""The offline action handlers of the shipped flows, registered as an embedding application would.

    from agents.handlers import register
    engine = Engine("sqlite:///flows.db")
    offline = register(engine)          # every action of definitions/workflows, the sandbox seeded
    offline.sandbox.mailbox.sent()      # what the flows "sent"

Each handler follows the design document's rules for its agent (lead scoring, P1-P4 triage, BM25 knowledge
lookup, the QA rubric, SLA thresholds, the Policy Officer, the Cost Sentinel), calls the sandbox tools in the
engine's own database, records each tool call as a step, and reports a cost priced by its agent's model. Each is
registered with an input schema saying what it reads (`INPUTS`, each module's beside its `ACTIONS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa

from agents.handlers import (
    commander,
    cost,
    knowledge,
    lead,
    ops,
    ops_reports,
    policy,
    qa,
    research,
    squads,
    support,
)
from agents.handlers.agent_run import AgentFunction, Agents
from agents.handlers.input_schema import Schema
from agents.handlers.pricing import PriceBook, PriceSource, Pricing
from agents.tools import EngineWorkforce, Sandbox, ToolRegistry, WorkflowPolicies, sandbox_tools
from agents.tools.sandbox.store import Clock
from agents.tools.workforce import EngineApi
from definitions import ROOT
from engine import ActionError, ActionRequest, Engine, InstanceNotFound
from engine.database import default_database_url
from engine.definition import Agent, Workflow
from engine.runtime.actions import ActionHandler, HandlerRegistry
from engine.validation.loader import load_catalog

__all__ = [
    "ACTIONS",
    "INPUTS",
    "EmbeddingEngine",
    "OfflineHandlers",
    "SameDatabase",
    "register",
    "shipped_definitions",
    "unresolved_tools",
]

# Every action of the shipped flows, by the agent that performs it.
ACTIONS: dict[str, AgentFunction] = {
    **lead.ACTIONS,         # BDR Concierge
    **support.ACTIONS,      # Support Concierge
    **knowledge.ACTIONS,    # Knowledge Librarian
    **research.ACTIONS,     # Research Recon
    **ops.ACTIONS,          # Ops Sapper: monitoring
    **ops_reports.ACTIONS,  # Ops Sapper: reports and history
    **squads.ACTIONS,       # the squad leads
    **qa.ACTIONS,           # QA Auditor
    **policy.ACTIONS,       # Policy Officer
    **cost.ACTIONS,         # Cost Sentinel
    **commander.ACTIONS,    # Workflow Commander
}

# What each action's handler reads from its input, as a JSON Schema (agents/handlers/input_schema.py): registered
# with the handler, so a task that does not give it is refused at deploy (action-input-mismatch).
INPUTS: dict[str, Schema] = {
    **lead.INPUTS, **support.INPUTS, **knowledge.INPUTS, **research.INPUTS, **ops.INPUTS, **ops_reports.INPUTS,
    **squads.INPUTS, **qa.INPUTS, **policy.INPUTS, **cost.INPUTS, **commander.INPUTS,
}


class EmbeddingEngine(EngineApi, PriceSource, Protocol):
    """What `register` needs of an engine: its database, its clock, its model prices, and registering handlers
    with their input schemas."""

    @property
    def database(self) -> sa.Engine: ...

    @property
    def clock(self) -> Clock: ...

    def register(self, name: str, handler: ActionHandler, *, input_schema: Mapping[str, Any] | None = None) -> Any: ...


@dataclass(frozen=True)
class OfflineHandlers:
    """What `register` set up: the sandbox the handlers write to, and the tools they call."""

    sandbox: Sandbox
    tools: ToolRegistry
    actions: tuple[str, ...]


def shipped_definitions() -> tuple[dict[str, Workflow], dict[str, Agent]]:
    """The shipped workflows and agents (definitions/workflows, definitions/agents)."""
    catalog, problems = load_catalog(ROOT)
    if problems:
        raise ValueError(f"the shipped definitions do not load: {sorted(problems)}")
    return catalog.workflows, catalog.agents


def unresolved_tools(agents: Mapping[str, Agent], tools: ToolRegistry) -> dict[str, list[str]]:
    """The tools each agent lists that no integration provides (empty when every one resolves)."""
    return {agent_id: missing for agent_id, agent in sorted(agents.items()) if (missing := tools.missing(agent.tools))}


class SameDatabase:
    """For handlers registered on a bare registry: refuses an action whose instance the sandbox's database does not
    hold -- the engine running it uses another database, and the flow's effects would land in the wrong one."""

    def __init__(self, engine: EmbeddingEngine, url: str) -> None:
        self._engine = engine
        self._url = url

    def __call__(self, request: ActionRequest) -> None:
        try:
            self._engine.get(request.instance_id)
        except InstanceNotFound as exc:
            raise ActionError("misconfigured", (
                f"the offline handlers use the database {self._url}, which does not hold instance "
                f"{request.instance_id}: register them on the engine itself, or set STATEWRIGHT_DATABASE_URL to the "
                "engine's database"), retryable=False) from exc


def register(target: EmbeddingEngine | HandlerRegistry, *, database_url: str | None = None,
             clock: Clock | None = None, seed: bool = True) -> OfflineHandlers:
    """Register a handler for every action of the shipped flows, each with its input schema (`INPUTS`).

    Given an `Engine` (as the designer does), the sandbox goes into the engine's database and the workforce tools
    (`events.publish`, `workflows.*`, `budget.read`, `billing.usage.read`) use that engine. Given a bare
    `HandlerRegistry` (as `statewright run` and `statewright worker` do today), both go to `database_url`,
    default STATEWRIGHT_DATABASE_URL else sqlite:///statewright.db, through an engine opened on it; an action of
    an instance that database does not hold fails with kind 'misconfigured' rather than write elsewhere."""
    workflows, agents = shipped_definitions()
    check: SameDatabase | None = None
    if isinstance(target, HandlerRegistry):
        url = database_url or default_database_url()
        engine: EmbeddingEngine = Engine(url)
        check = SameDatabase(engine, url)
    else:
        engine = target
    sandbox = Sandbox.open(engine.database, clock=clock or engine.clock, seed=seed)
    tools = sandbox_tools(sandbox, workforce=EngineWorkforce(engine, workflows), policies=WorkflowPolicies(workflows))
    agents_runner = Agents(tools, Pricing(agents, PriceBook(source=engine)), sandbox.store.clock, check=check)
    for name, function in ACTIONS.items():
        target.register(name, agents_runner.handler(function), input_schema=INPUTS[name])
    return OfflineHandlers(sandbox, tools, tuple(sorted(ACTIONS)))
