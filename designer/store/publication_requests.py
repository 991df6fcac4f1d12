"""Requests to publish a draft: an analyst without the right to publish asks, a publisher sees and acts on it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, select

from designer.store.utc_time import UtcDateTime, utc_now
from engine.database import read_session

__all__ = ["PublicationRequestRow", "PublicationRequestStore"]


class PublicationRequestRow(SQLModel, table=True):
    __tablename__ = "publication_requests"

    draft_id: str = Field(primary_key=True, max_length=64)
    workflow_id: str | None = Field(default=None, max_length=128)
    title: str | None = Field(default=None, max_length=200)
    revision: int = Field(description="The draft's revision when publication was requested.")
    note: str | None = Field(default=None, max_length=2000)
    requested_by: str = Field(max_length=64)
    requested_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime, index=True)


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
            requested_at=utc_now(),
        )
        with Session(self._engine, expire_on_commit=False) as session:
            session.merge(row)
            session.commit()
        return row

    def get(self, draft_id: str) -> PublicationRequestRow | None:
        with read_session(self._engine) as session:
            return session.get(PublicationRequestRow, draft_id)

    def withdraw(self, draft_id: str) -> bool:
        with Session(self._engine) as session:
            table = PublicationRequestRow
            removed = session.connection().execute(sa.delete(table).where(col(table.draft_id) == draft_id)).rowcount
            session.commit()
            return removed > 0

    def open(self, limit: int = 100) -> list[PublicationRequestRow]:
        """Open requests, oldest first (the one waiting longest on top)."""
        with read_session(self._engine) as session:
            query = select(PublicationRequestRow).order_by(col(PublicationRequestRow.requested_at)).limit(limit)
            return list(session.exec(query).all())
