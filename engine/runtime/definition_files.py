"""Deploying definition files: workflows and agents from files or folders, agents first (so the tasks that name
them run under their policies from the first instance), each file's warnings said (or, strictly, refused), and
finding the agents a workflow's tasks name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from engine.definition import Agent, Branch, MapIterator, MapState, ParallelState, TaskState, Workflow
from engine.definition.file_kind import definition_kind
from engine.errors import InvalidDefinition
from engine.runtime.agents import AgentSource, parse_agent
from engine.runtime.deployments import DefinitionSource, checked_definition
from engine.runtime.views import DeployedAgentRef, DeployedRef
from engine.validation.findings import Finding

__all__ = ["DeployedFile", "agents_named", "definition_files", "deploy_files", "is_agent_file"]


class _Deployer(Protocol):
    def deploy(self, workflow: DefinitionSource, *, actor: str | None = None,
               alongside: Iterable[Workflow] = (), strict: bool = False) -> DeployedRef: ...

    def deploy_agent(self, agent: AgentSource, *, actor: str | None = None) -> DeployedAgentRef: ...


@dataclass(frozen=True, slots=True)
class DeployedFile:
    path: Path
    kind: str  # 'agent' or 'workflow'
    id: str
    version: str
    created: bool
    # the file's warnings: its own (a file not named by its id) and those deploying it found (`DeployedRef`)
    warnings: tuple[Finding, ...] = ()


def is_agent_file(path: Path) -> bool:
    """The one rule every command uses (engine.definition.file_kind)."""
    return definition_kind(path) == "agent"


def definition_files(paths: Iterable[Path]) -> list[Path]:
    """The JSON files among `paths`; a folder gives its *.json files and those of its `agents` and `workflows`
    subfolders (the layout of `definitions/`)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for folder in (path / "agents", path / "workflows", path):
                found += sorted(folder.glob("*.json"))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def deploy_files(engine: _Deployer, paths: Iterable[Path], *, actor: str | None = None,
                 strict: bool = False) -> list[DeployedFile]:
    """Deploy every file (agents first). The workflows are deployed together: each may start any of the others
    whatever their order (`Engine.deploy`'s `alongside`). Raises on the first that cannot be deployed (an
    invalid workflow file before any workflow is); the ones before it stay. Each file's warnings come back on
    its `DeployedFile`. With `strict`, a file with warnings is refused as an invalid one is (`InvalidDefinition`),
    before anything is deployed; a warning only the deployed definitions can tell (against a deployed subflow)
    refuses its workflow as it is deployed."""
    files = definition_files(paths)
    agents = {path: _agent_warnings(path) for path in files if is_agent_file(path)}
    workflows = {path: checked_definition(path) for path in files if path not in agents}
    if strict:
        for path, warnings in [*agents.items(), *((path, found) for path, (_, found) in workflows.items())]:
            if warnings:
                raise InvalidDefinition(warnings, str(path), strict=True)
    deployed: list[DeployedFile] = []
    for path, warnings in agents.items():
        agent_ref = engine.deploy_agent(path, actor=actor)
        said = {(f.code, f.pointer, f.message): f for f in [*warnings, *agent_ref.warnings]}  # each once
        deployed.append(DeployedFile(path, "agent", agent_ref.agent_id, agent_ref.version, agent_ref.created,
                                     tuple(said.values())))
    together = [workflow for workflow, _ in workflows.values()]
    for path, (workflow, warnings) in workflows.items():
        ref = engine.deploy(workflow, actor=actor, alongside=together, strict=strict)
        said = {(f.code, f.pointer, f.message): f for f in [*warnings, *ref.warnings]}  # each once
        deployed.append(DeployedFile(path, "workflow", ref.workflow_id, str(ref.version), ref.created,
                                     tuple(said.values())))
    return deployed


def _agent_warnings(path: Path) -> list[Finding]:
    """An agent file's warnings (its name not its id), for `strict` to refuse before anything is deployed; its
    errors are `deploy_agent`'s to refuse."""
    from engine.validation.loader import load_agent  # noqa: PLC0415 - the loader pulls in the checks

    return [f for f in load_agent(path).findings if f.severity == "warning"]


def agents_named(workflows: Iterable[Workflow], folders: Iterable[Path]) -> list[Agent]:
    """The agents the workflows' tasks (branches included) name, found among the agent files in `folders`."""
    wanted = {agent for w in workflows for agent in _task_agents(w)}
    found: dict[str, Agent] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            if not wanted - set(found):
                break
            if not is_agent_file(path):
                continue
            try:
                agent = parse_agent(path)
            except Exception:  # noqa: BLE001, S112 - a file that is not a valid agent is simply not a candidate
                continue
            if agent.id in wanted:
                found.setdefault(agent.id, agent)
    return list(found.values())


def _task_agents(workflow: Workflow | Branch | MapIterator) -> set[str]:
    named = set()
    for state in workflow.states.values():
        if isinstance(state, TaskState) and state.agent:
            named.add(state.agent)
        elif isinstance(state, ParallelState):
            for branch in state.branches:
                named |= _task_agents(branch)
        elif isinstance(state, MapState) and state.iterator is not None:
            named |= _task_agents(state.iterator)
    return named
