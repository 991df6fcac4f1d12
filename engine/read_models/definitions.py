"""Deployed definitions: the latest version of each, every version of one, one version's content."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import sqlalchemy as sa

from engine.definition import Workflow
from engine.errors import DefinitionNotFound
from engine.read_models._reading import reading
from engine.runtime.engine import Engine
from storage.definitions import DefinitionRecord, DefinitionStore
from storage.tables.core import table_of
from storage.tables.definitions import DefinitionRow
from storage.transaction import Transaction

__all__ = ["DefinitionCatalog", "DeployedVersion"]

_T = table_of(DefinitionRow)


@dataclass(frozen=True)
class DeployedVersion:
    workflow_id: str
    version: int
    title: str
    deployed_at: float
    content: str
    deployed_by: str | None = None

    def workflow(self) -> Workflow:
        return Workflow.model_validate_json(self.content)


def _version(record: DefinitionRecord) -> DeployedVersion:
    return DeployedVersion(
        record.workflow_id, record.version, record.title, record.deployed_at, record.content, record.deployed_by
    )


class DefinitionCatalog:
    def __init__(self, engine: Engine, database: sa.Engine) -> None:
        self._engine = engine
        self._database = database
        self._parsed: dict[tuple[str, int], Workflow] = {}
        self._lock = threading.Lock()

    def latest_workflows(self) -> dict[str, Workflow]:
        """The latest deployed version of each workflow as a model (parsed once per version)."""
        found: dict[str, Workflow] = {}
        for deployed in self.latest_all():
            key = (deployed.workflow_id, deployed.version)
            with self._lock:
                workflow = self._parsed.get(key)
                if workflow is None:
                    workflow = self._parsed[key] = deployed.workflow()
            found[deployed.workflow_id] = workflow
        return found

    def latest_all(self) -> list[DeployedVersion]:
        return self._engine.runtime.read(lambda tx: [_version(r) for r in DefinitionStore(tx).latest_of_each()])

    def latest_page(self, *, query: str | None, limit: int, offset: int) -> tuple[list[DeployedVersion], int]:
        found = self.latest_all()
        if query:
            needle = query.casefold()
            found = [v for v in found if needle in v.workflow_id.casefold() or needle in v.title.casefold()]
        return found[offset : offset + limit], len(found)

    def version_count(self) -> dict[str, int]:
        statement = sa.select(_T.c.workflow_id, sa.func.count().label("versions")).group_by(_T.c.workflow_id)
        with reading(self._database) as connection:
            rows = connection.execute(statement).all()
        return {str(r.workflow_id): int(r.versions) for r in rows}

    def versions(self, workflow_id: str, *, limit: int, offset: int) -> tuple[list[DeployedVersion], int]:
        where = _T.c.workflow_id == workflow_id
        page = (
            sa.select(_T.c.workflow_id, _T.c.version, _T.c.title, _T.c.deployed_at, _T.c.deployed_by)
            .where(where)
            .order_by(_T.c.version.desc())
            .limit(limit)
            .offset(offset)
        )

        with reading(self._database) as connection:
            total = int(connection.execute(sa.select(sa.func.count()).select_from(_T).where(where)).scalar_one())
            rows = connection.execute(page).all()
        found = [
            DeployedVersion(
                workflow_id=r.workflow_id,
                version=int(r.version),
                title=r.title,
                deployed_at=float(r.deployed_at),
                content="",  # a listing leaves the content out: `get` reads one version's
                deployed_by=r.deployed_by,
            )
            for r in rows
        ]
        if total == 0:
            raise DefinitionNotFound(f"the workflow '{workflow_id}' is not deployed")
        return found, total

    def get(self, workflow_id: str, version: int | None = None) -> DeployedVersion:
        """One version (the latest when `version` is None), or `DefinitionNotFound`."""

        def work(tx: Transaction) -> DefinitionRecord | None:
            store = DefinitionStore(tx)
            return store.latest(workflow_id) if version is None else store.get(workflow_id, version)

        record = self._engine.runtime.read(work)
        if record is None:
            raise DefinitionNotFound(f"the workflow '{workflow_id}' is not deployed" if version is None else
                                     f"the workflow '{workflow_id}' has no deployed version {version}")
        return _version(record)

    def latest_version(self, workflow_id: str) -> int | None:
        record = self._engine.runtime.read(lambda tx: DefinitionStore(tx).latest(workflow_id))
        return None if record is None else record.version
