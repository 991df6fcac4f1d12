"""The `map` state: run an inline iterator flow, or a subflow, once per item of a list from the context."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from engine.definition.base import Expression, Identifier, Model
from engine.definition.paths import ContextPath
from engine.definition.scalars import StoredPositive, StrictFlag, StrictNumber, StrictWhole
from engine.definition.transitions import Transition

if TYPE_CHECKING:
    from engine.definition.states import State

__all__ = ["MAX_MAP_CONCURRENCY", "MAX_MAP_ITEMS", "MapIterator", "MapState"]

MAX_MAP_ITEMS = 1_000
"""The longest list a map runs; a longer one fails the state with `map_too_large` (so no list explodes)."""
MAX_MAP_CONCURRENCY = 100


class MapIterator(Model):
    """The small state machine each item runs, like a parallel branch; its context is the item's input."""

    initial: Identifier
    states: dict[Identifier, State]
    transitions: list[Transition] = Field(default_factory=list)


class MapState(Model):
    """Runs `iterator` (or the subflow `workflow`) once per item of `items`, at most `max_concurrency` at a time;
    fires `done` with the results in item order, or `error` (kind `map_failed`) when more items failed than
    tolerated."""

    type: Literal["map"]
    title: str | None = Field(None, max_length=200, description="A short label shown on the diagram.")
    description: str | None = Field(None, max_length=4000, description="What happens here, for people.")
    policies: list[Identifier] = Field(
        default_factory=list, description="Ids of workflow policies checked when the state is entered."
    )
    escalates: StrictFlag | None = Field(None, description="true: entering this state hands the case to a person.")
    items: Expression = Field(description=f"CEL giving the list to map over (at most {MAX_MAP_ITEMS} items).")
    item_key: Identifier = Field("item", description="The name each item's run sees its item under.")
    index_key: Identifier = Field("index", description="The name each item's run sees its position (from 0) under.")
    iterator: MapIterator | None = Field(None, description="The inline flow each item runs.")
    workflow: Identifier | None = Field(None, description="Or: the deployed workflow each item runs as a subflow.")
    version: StoredPositive | None = Field(None, description="With `workflow`: a fixed version; absent means latest.")
    input: dict[str, Expression] = Field(
        default_factory=dict,
        description="Each item's context, by CEL over the parent's context plus the item and index names; "
                    "absent: just {item_key: item, index_key: index}.",
    )
    max_concurrency: StrictWhole = Field(
        10, ge=1, le=MAX_MAP_CONCURRENCY, description="How many items run at once at most.")
    tolerated_failures: StrictWhole | None = Field(
        None, ge=0, description="How many items may fail before the map fails (default 0).")
    tolerated_failure_percentage: StrictNumber | None = Field(
        None, ge=0, le=100, description="Or: the share of the items, in percent, that may fail.")
    output: ContextPath | None = Field(
        None, description="The context key or path for the results: one entry per item, in item order (null if it "
                          "failed).")

    @model_validator(mode="after")
    def _one_body_one_tolerance(self) -> MapState:
        if (self.iterator is None) == (self.workflow is None):
            raise ValueError("a map needs exactly one of 'iterator' (an inline flow) or 'workflow' (a subflow)")
        if self.version is not None and self.workflow is None:
            raise ValueError("'version' applies only to a map over a 'workflow'")
        if self.tolerated_failures is not None and self.tolerated_failure_percentage is not None:
            raise ValueError("give at most one of 'tolerated_failures' and 'tolerated_failure_percentage'")
        if self.item_key == self.index_key:
            raise ValueError("'item_key' and 'index_key' must differ")
        return self

    def tolerated(self, total: int) -> int:
        """How many of `total` items may fail."""
        if self.tolerated_failure_percentage is not None:
            return int(total * self.tolerated_failure_percentage / 100)
        return self.tolerated_failures or 0
