"""Map lists: the list a map state's visit maps over, read once as the visit enters the state."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from storage.tables.columns import JSON_TEXT, TIMESTAMP

__all__ = ["MapListRow"]


class MapListRow(SQLModel, table=True):
    __tablename__ = "map_lists"

    instance_id: str = Field(primary_key=True, max_length=36)
    seq: int = Field(primary_key=True)  # the step that entered the map: its items' `parent_seq`
    items: str = Field(sa_type=JSON_TEXT)
    reuses: int | None = None  # a redriven map's visit: the earlier visit whose succeeded items it carries over
    created_at: float = Field(sa_type=TIMESTAMP)
