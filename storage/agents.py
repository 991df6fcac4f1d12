"""Deployed agents: insert once per (agent id, version); the one in force is the most recently deployed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.transaction import Row, Transaction

__all__ = ["AgentRecord", "AgentStore"]

_COLUMNS = "agent_id, version, name, content, content_hash, deployed_at, deployed_by"


@dataclass(frozen=True, slots=True)
class AgentRecord:
    agent_id: str
    version: str
    name: str
    content: str  # the agent as JSON text
    content_hash: str
    deployed_at: float
    deployed_by: str | None = None


def _record(row: Row) -> AgentRecord:
    return AgentRecord(row[0], row[1], row[2], row[3], row[4], float(row[5]), row[6])


class AgentStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def insert(self, record: AgentRecord) -> bool:
        """Store a new (id, version); False when that pair exists already (nothing is changed then)."""
        changed = self.tx.execute(
            f"INSERT INTO agents ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "  # noqa: S608
            "ON CONFLICT (agent_id, version) DO NOTHING",
            (record.agent_id, record.version, record.name, record.content, record.content_hash,
             record.deployed_at, record.deployed_by),
        )
        return changed == 1

    def get(self, agent_id: str, version: str) -> AgentRecord | None:
        row = self.tx.one(f"SELECT {_COLUMNS} FROM agents WHERE agent_id = ? AND version = ?",  # noqa: S608
                          (agent_id, version))
        return None if row is None else _record(row)

    def in_force(self, agent_ids: Sequence[str]) -> list[tuple[str, str, str]]:
        """(agent id, version, content hash) of the most recently deployed version of each of `agent_ids`."""
        if not agent_ids:
            return []
        marks = ", ".join("?" for _ in agent_ids)
        rows = self.tx.all(
            f"SELECT agent_id, version, content_hash, deployed_at FROM agents WHERE agent_id IN ({marks}) "  # noqa: S608
            "ORDER BY agent_id, deployed_at DESC, version DESC",
            list(agent_ids),
        )
        found: dict[str, tuple[str, str, str]] = {}
        for row in rows:
            found.setdefault(row[0], (row[0], row[1], row[2]))
        return list(found.values())

    def latest_of_each(self) -> list[AgentRecord]:
        rows = self.tx.all(f"SELECT {_COLUMNS} FROM agents ORDER BY agent_id, deployed_at DESC, version DESC")  # noqa: S608
        found: dict[str, AgentRecord] = {}
        for row in rows:
            found.setdefault(row[0], _record(row))
        return list(found.values())
