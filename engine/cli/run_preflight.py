"""What `statewright run` checks before it writes anything, so that a refused run leaves the database as it was.

A run deploys the workflow (with the agents its tasks name and the subflows it starts) and then starts it. A
start refused after the deploy left the workflow deployed: the file, once corrected, was then refused as other
content under a deployed version. So everything that can be checked is checked first — from the file alone, before
the database is opened: the start context (its size and the workflow's `context` schema); then, in the database,
before the first deploy: every definition the run deploys passes the checks against what is deployed and is not
other content under a version already deployed. With `--strict` (as `deploy --strict`), one that has warnings is refused
there too, so a refused run has deployed nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.definition import Agent, Workflow
from engine.errors import DefinitionNotFound, InvalidDefinition, VersionConflict
from engine.json_limits import check_json
from engine.runtime.context_schema import check_context
from engine.runtime.deployments import canonical_json, checked_definition, parse_definition
from engine.validation.catalog import Catalog

if TYPE_CHECKING:
    from engine.runtime.engine import Engine
    from storage.transaction import Transaction

__all__ = ["check_deployable", "check_start_context"]


def check_start_context(workflow: Workflow, context: dict[str, Any]) -> None:
    """Refuse (`InvalidInput`) a start context the engine would refuse: too large or deep, or not fitting the
    workflow's schema."""
    check_json(context, "the context")
    check_context(workflow.context, context)


def check_deployable(engine: Engine, workflow: Workflow, subflows: Sequence[Workflow],
                     agents: Sequence[Agent], *, strict: bool = False, file: Path | None = None) -> None:
    """Refuse, before any of them is deployed, what `Engine.deploy` would refuse of one of them: a definition that
    fails the checks against the database's catalog with the others laid over it (`InvalidDefinition`), or other
    content under a deployed (id, version) (`VersionConflict`). With `strict`, what `deploy --strict` refuses too:
    a workflow with warnings (`InvalidDefinition`, `strict`) — `file`'s own among them (the file named otherwise
    than its id), as `workflow` was read from it."""
    catalog = engine.catalog(alongside=[workflow, *subflows]).with_alongside(agents=agents)
    for agent in agents:
        deployed = engine.runtime.deployments.agents.version(agent.id, agent.version)
        if deployed is not None and _agent_content(deployed) != _agent_content(agent):
            raise VersionConflict(f"agent {agent.id} version {agent.version} is deployed with different content; "
                                  "a deployed version is immutable — deploy it as a new version")
    for flow in [*subflows, workflow]:
        if strict:
            _refuse_warnings(file if flow is workflow and file is not None else flow, catalog)
        else:
            parse_definition(flow, catalog)
        deployed_flow = _deployed(engine, flow)
        if deployed_flow is not None and canonical_json(deployed_flow) != canonical_json(flow):
            raise VersionConflict(f"{flow.id} version {flow.version} is deployed with different content; a "
                                  "deployed version is immutable — deploy it as a new version (raise its "
                                  "\"version\")")


def _refuse_warnings(source: Workflow | Path, catalog: Catalog) -> None:
    """`--strict`: a definition with a warning is refused as one with an error is, each warning listed; a file
    is named by its path, as `deploy --strict` names it."""
    workflow, warnings = checked_definition(source, catalog)  # its errors refuse it here as they would unstrict
    if warnings:
        named = str(source) if isinstance(source, Path) else f"workflow {workflow.id} version {workflow.version}"
        raise InvalidDefinition(warnings, named, strict=True)


def _deployed(engine: Engine, flow: Workflow) -> Workflow | None:
    def read(tx: Transaction) -> Workflow | None:
        try:
            return engine.runtime.deployments.compiled(tx, flow.id, flow.version).workflow
        except DefinitionNotFound:
            return None

    return engine.runtime.read(read)


def _agent_content(agent: Agent) -> str:
    """An agent as its deployment compares it (`engine.runtime.agents`): its JSON without `$schema`."""
    document = agent.model_dump(mode="json", by_alias=True, exclude_none=True)
    document.pop("$schema", None)
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
