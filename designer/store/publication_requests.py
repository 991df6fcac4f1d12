"""Requests to publish a draft: an analyst without the right to publish asks, a publisher sees and acts on it."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, select

__all__ = ["PublicationRequestRow", "PublicationRequestStore"]


def _now() -> datetime:
    return datetime.now(UTC)


class PublicationRequestRow(SQLModel, table=True):
    __tablename__ = "publication_requests"

    draft_id: str = Field(primary_key=True, max_length=64)
    workflow_id: str | None = Field(default=None, max_length=128)
    title: str | None = Field(default=None, max_length=200)
    revision: int = Field(description="The draft's revision when publication was requested.")
    note: str | None = Field(default=None, max_length=2000)
    requested_by: str = Field(max_length=64)
    requested_at: datetime = Field(default_factory=_now, sa_type=sa.DateTime(timezone=True), index=True)


def _fresh(row: PublicationRequestRow) -> PublicationRequestRow:
    if row.requested_at.tzinfo is None:
        row.requested_at = row.requested_at.replace(tzinfo=UTC)
    return row


class PublicationRequestStore:
    """One open request per draft at most; asking again replaces it (a newer revision, a new note)."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def request(
        self, draft_id: str, *, workflow_id: str | None, title: str | None, revision: int, actor: str, note: str | None
    ) -> PublicationRequestRow:
        row = PublicationRequestRow(
            draft_id=draft_id,
            workflow_id=workflow_id,
            title=title,
            revision=revision,
            note=note,
            requested_by=actor,
            requested_at=_now(),
        )
        with Session(self._engine, expire_on_commit=False) as session:
            session.merge(row)
            session.commit()
        return row

    def get(self, draft_id: str) -> PublicationRequestRow | None:
        with Session(self._engine, expire_on_commit=False) as session:
            row = session.get(PublicationRequestRow, draft_id)
            return None if row is None else _fresh(row)

    def withdraw(self, draft_id: str) -> bool:
        with Session(self._engine) as session:
            table = PublicationRequestRow
            result = session.execute(sa.delete(table).where(col(table.draft_id) == draft_id))
            session.commit()
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def open(self, limit: int = 100) -> list[PublicationRequestRow]:
        """Open requests, oldest first (the one waiting longest on top)."""
        with Session(self._engine, expire_on_commit=False) as session:
            query = select(PublicationRequestRow).order_by(col(PublicationRequestRow.requested_at)).limit(limit)
            return [_fresh(r) for r in session.exec(query).all()]
