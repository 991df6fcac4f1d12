"""Deployed definitions: insert once, read by (id, version) or the latest version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.transaction import Row, Transaction

__all__ = ["DefinitionRecord", "DefinitionStore"]

_COLUMNS = "workflow_id, version, title, content, content_hash, deployed_at, deployed_by"
_LATEST_VERSION = "SELECT MAX(version) FROM definitions WHERE workflow_id = ?"


@dataclass(frozen=True, slots=True)
class DefinitionRecord:
    workflow_id: str
    version: int
    title: str
    content: str  # the definition as JSON text
    content_hash: str
    deployed_at: float
    deployed_by: str | None = None  # who published it, when known


def _record(row: Row) -> DefinitionRecord:
    return DefinitionRecord(row[0], int(row[1]), row[2], row[3], row[4], float(row[5]), row[6])


class DefinitionStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def insert(self, record: DefinitionRecord) -> bool:
        """Store a new (id, version); False when that pair exists already (nothing is changed then)."""
        changed = self.tx.execute(
            f"INSERT INTO definitions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "  # noqa: S608
            "ON CONFLICT (workflow_id, version) DO NOTHING",
            (record.workflow_id, record.version, record.title, record.content, record.content_hash,
             record.deployed_at, record.deployed_by),
        )
        return changed == 1

    def get(self, workflow_id: str, version: int) -> DefinitionRecord | None:
        row = self.tx.one(
            f"SELECT {_COLUMNS} FROM definitions WHERE workflow_id = ? AND version = ?", (workflow_id, version)  # noqa: S608
        )
        return None if row is None else _record(row)

    def latest(self, workflow_id: str) -> DefinitionRecord | None:
        row = self.tx.one(
            f"SELECT {_COLUMNS} FROM definitions WHERE workflow_id = ? ORDER BY version DESC LIMIT 1",  # noqa: S608
            (workflow_id,),
        )
        return None if row is None else _record(row)

    def latest_version(self, workflow_id: str) -> int | None:
        """The latest deployed version's number (without its content: a start reads only that)."""
        found = self.tx.scalar(_LATEST_VERSION, (workflow_id,))
        return None if found is None else int(found)

    @staticmethod
    def is_latest_version(workflow_id: str, version: int) -> tuple[str, tuple[Any, ...]]:
        """The SQL condition, and its parameters, that `version` is the latest of `workflow_id`
        (`Transaction.assume`)."""
        return f"({_LATEST_VERSION}) = ?", (workflow_id, version)

    def latest_of_each(self) -> list[DefinitionRecord]:
        rows = self.tx.all(
            f"SELECT {_COLUMNS} FROM definitions d WHERE version = "  # noqa: S608
            "(SELECT MAX(version) FROM definitions e WHERE e.workflow_id = d.workflow_id) ORDER BY workflow_id"
        )
        return [_record(r) for r in rows]

    def count(self) -> int:
        """How many (id, version) pairs are deployed: deployed versions are never changed, only added."""
        return int(self.tx.scalar("SELECT COUNT(*) FROM definitions") or 0)

    def contents(self) -> list[str]:
        """The stored JSON of every deployed version."""
        return [r[0] for r in self.tx.all("SELECT content FROM definitions ORDER BY workflow_id, version")]

    def versions(self, workflow_id: str) -> list[int]:
        rows = self.tx.all("SELECT version FROM definitions WHERE workflow_id = ? ORDER BY version", (workflow_id,))
        return [int(r[0]) for r in rows]
