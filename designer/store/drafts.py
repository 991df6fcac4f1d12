"""Drafts: definitions being edited. The content is stored as given — it need not be a valid workflow."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, Session, SQLModel, col, func, select

from designer.store.utc_time import UtcDateTime, utc_now
from engine.database import read_session

__all__ = ["DraftPage", "DraftRow", "DraftStore", "RevisionMismatch"]


class DraftRow(SQLModel, table=True):
    __tablename__ = "drafts"

    id: str = Field(primary_key=True, max_length=64)
    workflow_id: str | None = Field(default=None, index=True, max_length=128)
    title: str | None = Field(default=None, max_length=200)
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    base_version: int | None = None
    revision: int = 1
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    updated_by: str = Field(max_length=64)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime, index=True)


class RevisionMismatch(Exception):
    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(f"the draft is at revision {actual}, not {expected}")
        self.expected = expected
        self.actual = actual


@dataclass(frozen=True)
class DraftPage:
    items: list[DraftRow]
    total: int


def _identity(content: dict[str, Any]) -> tuple[str | None, str | None]:
    workflow_id = content.get("id")
    title = content.get("title")
    return (
        workflow_id[:128] if isinstance(workflow_id, str) else None,
        title[:200] if isinstance(title, str) else None,
    )


class DraftStore:
    """The drafts table behind one SQLAlchemy engine; every method is one short transaction."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def _session(self) -> Session:
        return Session(self._engine, expire_on_commit=False)

    def create(self, content: dict[str, Any], *, actor: str, base_version: int | None = None) -> DraftRow:
        workflow_id, title = _identity(content)
        now = utc_now()
        row = DraftRow(
            id=uuid.uuid4().hex,
            workflow_id=workflow_id,
            title=title,
            content=content,
            base_version=base_version,
            created_by=actor,
            created_at=now,
            updated_by=actor,
            updated_at=now,
        )
        with self._session() as session:
            session.add(row)
            session.commit()
            session.refresh(row)
            return row

    def get(self, draft_id: str) -> DraftRow | None:
        with read_session(self._engine) as session:
            return session.get(DraftRow, draft_id)

    def update(
        self, draft_id: str, content: dict[str, Any], *, actor: str, expected_revision: int | None = None
    ) -> DraftRow | None:
        """Replace the content; with `expected_revision`, only if nobody saved in between."""
        workflow_id, title = _identity(content)
        with self._session() as session:
            row = session.get(DraftRow, draft_id)
            if row is None:
                return None
            if expected_revision is not None and row.revision != expected_revision:
                raise RevisionMismatch(expected_revision, row.revision)
            changed = session.connection().execute(
                sa.update(DraftRow)
                .where(col(DraftRow.id) == draft_id, col(DraftRow.revision) == row.revision)
                .values(
                    content=content,
                    workflow_id=workflow_id,
                    title=title,
                    revision=row.revision + 1,
                    updated_by=actor,
                    updated_at=utc_now(),
                )
            ).rowcount
            if not changed:
                session.rollback()
                current = session.get(DraftRow, draft_id)
                raise RevisionMismatch(expected_revision or row.revision, current.revision if current else -1)
            session.commit()
            session.expire_all()
            return session.get(DraftRow, draft_id)

    def delete(self, draft_id: str) -> bool:
        with self._session() as session:
            removed = session.connection().execute(sa.delete(DraftRow).where(col(DraftRow.id) == draft_id)).rowcount
            session.commit()
            return removed > 0

    def list(self, *, workflow_id: str | None = None, limit: int = 50, offset: int = 0) -> DraftPage:
        with read_session(self._engine) as session:
            query = select(DraftRow)
            counter = select(func.count()).select_from(DraftRow)
            if workflow_id is not None:
                query = query.where(DraftRow.workflow_id == workflow_id)
                counter = counter.where(DraftRow.workflow_id == workflow_id)
            total = session.exec(counter).one()
            ordered = query.order_by(col(DraftRow.updated_at).desc(), col(DraftRow.id))
            rows = session.exec(ordered.limit(limit).offset(offset)).all()
            return DraftPage(list(rows), int(total))

    def count_by_workflow(self) -> dict[str, int]:
        with read_session(self._engine) as session:
            rows = session.exec(select(DraftRow.workflow_id, func.count()).group_by(DraftRow.workflow_id)).all()
            return {wid: int(n) for wid, n in rows if wid is not None}
