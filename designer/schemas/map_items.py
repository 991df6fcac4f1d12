"""A map's items on the wire: a page of the items of an instance's latest map visit, with their counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from engine.read_models.map_items import MapItem, MapItems
from engine.runtime.clock import to_datetime
from engine.statuses import InstanceStatus

__all__ = ["MapItemRead", "MapItemsRead"]


class MapItemRead(BaseModel):
    index: int = Field(description="The item's position in the list the map maps over (0 first).")
    instance_id: str = Field(description="The child instance running the item.")
    status: InstanceStatus
    state: str = Field(description="The state of the iterator (or subflow) the item is in, or ended in.")
    error: Any = Field(None, description="Why it failed or is stuck ({kind, message}); null otherwise.")
    updated_at: datetime

    @classmethod
    def of(cls, item: MapItem) -> MapItemRead:
        return cls(index=item.index, instance_id=item.instance_id, status=InstanceStatus(item.status),
                   state=item.state, error=item.error, updated_at=to_datetime(item.updated_at))


class MapItemsRead(BaseModel):
    state: str | None = Field(description="The map state; null when the instance never started a map's items.")
    visit_seq: int | None = Field(description="The transition that entered the map (the items' visit).")
    counts: dict[str, int] = Field(description="The visit's items started so far, by status.")
    items: list[MapItemRead] = Field(description="In item order.")
    total: int = Field(description="The items of the chosen status (every item started, without one).")
    limit: int
    offset: int

    @classmethod
    def of(cls, found: MapItems, *, limit: int, offset: int) -> MapItemsRead:
        return cls(state=found.state, visit_seq=found.visit_seq, counts=found.counts,
                   items=[MapItemRead.of(i) for i in found.items], total=found.total, limit=limit, offset=offset)
