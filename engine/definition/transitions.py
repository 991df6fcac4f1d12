"""Transitions: explicit edges between states, with triggers, CEL guards, priorities and assignments."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from engine.definition.base import Expression, Identifier, Model

__all__ = ["ANY_SOURCE", "Transition"]

ANY_SOURCE: Literal["*"] = "*"


class Transition(Model):
    source: Identifier | list[Identifier] | Literal["*"] = Field(
        description="The state it leaves: one id, a list of ids, or '*' for any non-final state."
    )
    trigger: Identifier | None = Field(
        None, description="The event that fires it; absent means automatic (choice states, guarded moves)."
    )
    dest: Identifier = Field(description="The state it enters.")
    guard: Expression | None = Field(None, description="A CEL condition over the context; must hold to fire.")
    priority: int = Field(0, description="Higher is tried first among transitions with the same source/trigger.")
    assign: dict[Identifier, Expression] = Field(
        default_factory=dict, description="Context updates applied when it fires, each value computed by CEL."
    )
    description: str | None = Field(None, max_length=2000)
    id: Identifier | None = Field(None, description="An optional stable name, used by findings and diffs.")

    def sources(self, all_states: list[str]) -> list[str]:
        """The concrete source states, with '*' expanded to `all_states`."""
        if self.source == ANY_SOURCE:
            return list(all_states)
        if isinstance(self.source, str):
            return [self.source]
        return list(self.source)
