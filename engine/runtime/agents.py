"""Deployed agents: immutable (id, version) pairs; a task that names an agent runs under the most recently
deployed version of it — its configuration reaches the handler, its policies are enforced by the engine."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from engine.definition import Agent
from engine.errors import DefinitionNotFound, InvalidDefinition, VersionConflict
from engine.runtime.clock import Clock
from engine.runtime.deploy_warnings import logged_agent
from engine.runtime.storage_errors import as_storage_error
from engine.runtime.views import DeployedAgentRef
from engine.validation.findings import Finding
from storage.agents import AgentRecord, AgentStore
from storage.transaction import Store, Transaction

__all__ = ["AgentDeployments", "AgentSource", "checked_agent", "parse_agent"]

AgentSource = Agent | dict[str, Any] | str | bytes | Path


def parse_agent(source: AgentSource) -> Agent:
    """An agent from a model, a dict, JSON text or a file, through the validating loader (a model is checked
    too: its `action_tools` must name its own actions and tools)."""
    return checked_agent(source)[0]


def checked_agent(source: AgentSource) -> tuple[Agent, list[Finding]]:
    """`parse_agent`'s agent, with the warnings its checks found: what `deploy` hands back and logs."""
    from engine.validation.loader import load_agent  # noqa: PLC0415 - the loader pulls in the checks

    try:
        loaded = load_agent(source)
    except (OSError, ValueError) as exc:
        raise DefinitionNotFound(f"cannot read the agent: {exc}") from exc
    if loaded.model is None:
        raise InvalidDefinition(loaded.findings, loaded.source)
    return loaded.model, loaded.findings


def _canonical(agent: Agent) -> str:
    document = agent.model_dump(mode="json", by_alias=True, exclude_none=True)
    document.pop("$schema", None)
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class AgentDeployments:
    """Deploying agents and finding the version in force; parsed agents are cached by content hash."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._parsed: dict[str, Agent] = {}  # by content hash
        self._versions: dict[tuple[str, str], Agent] = {}
        self._lock = threading.Lock()

    def deploy(self, source: AgentSource, actor: str | None = None) -> DeployedAgentRef:
        """Store (id, version) once. The same content again changes nothing (and does not make that version the
        one in force again); other content under a deployed version is refused. Its warnings are handed back and
        logged, as a workflow's are (`deploy_warnings.logged_agent`)."""
        agent, warnings = checked_agent(source)
        content = _canonical(agent)
        digest = hashlib.sha256(content.encode()).hexdigest()
        record = AgentRecord(agent.id, agent.version, agent.name, content, digest, self.clock.now(), actor)
        with as_storage_error(), self.store.write() as tx:
            agents = AgentStore(tx)
            created = agents.insert(record)
            existing = None if created else agents.get(agent.id, agent.version)
        if created or (existing is not None and existing.content_hash == digest):
            return logged_agent(DeployedAgentRef(agent.id, agent.version, created=created, warnings=tuple(warnings)))
        raise VersionConflict(
            f"agent {agent.id} version {agent.version} is deployed with different content; "
            "a deployed version is immutable — deploy it as a new version"
        )

    def in_force(self, tx: Transaction, agent_ids: frozenset[str]) -> Mapping[str, Agent]:
        """The deployed agents among `agent_ids`, each at its most recently deployed version (read once per
        transaction: the decisions of a worker's batch share it, as it is — not to be changed)."""
        memo = tx.memo
        found: Mapping[str, Agent] | None = memo.get(("agents in force", agent_ids))
        if found is None:
            found = memo["agents in force", agent_ids] = self._in_force(tx, agent_ids)
        return found

    def _in_force(self, tx: Transaction, agent_ids: Iterable[str]) -> dict[str, Agent]:
        found: dict[str, Agent] = {}
        for agent_id, version, digest in AgentStore(tx).in_force(sorted(agent_ids)):
            agent = self._parsed.get(digest)
            if agent is None:
                record = AgentStore(tx).get(agent_id, version)
                if record is None:  # pragma: no cover - rows are never deleted
                    continue
                agent = self._parse(record)
            found[agent_id] = agent
        return found

    def version(self, agent_id: str, version: str, tx: Transaction | None = None) -> Agent | None:
        """One deployed version (what a job recorded it runs under), read once per process (in `tx` when the
        caller has one open)."""
        key = (agent_id, version)
        found = self._versions.get(key)
        if found is None:
            if tx is not None:
                record = AgentStore(tx).get(agent_id, version)
            else:
                with as_storage_error(), self.store.read() as opened:
                    record = AgentStore(opened).get(agent_id, version)
            if record is None:
                return None
            found = Agent.model_validate_json(record.content)
            with self._lock:
                self._versions[key] = found
        return found

    def deployed(self, tx: Transaction) -> list[Agent]:
        """Every deployed agent at its version in force (parsed once per content)."""
        return [self._parse(r) for r in AgentStore(tx).latest_of_each()]

    def _parse(self, record: AgentRecord) -> Agent:
        agent = self._parsed.get(record.content_hash)
        if agent is None:
            agent = Agent.model_validate_json(record.content)
            with self._lock:
                self._parsed[record.content_hash] = agent
        return agent
