"""Transitions: explicit edges between states, with triggers, CEL guards, priorities and assignments."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from engine.definition.base import Expression, Identifier, Model
from engine.definition.error_kinds import ANY_ERROR, ErrorKind
from engine.definition.paths import ContextPath
from engine.definition.scalars import StrictWhole

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
    errors: list[ErrorKind] = Field(
        default_factory=list,
        description="Only on 'error': the error kinds it catches (empty or ['*'] catches every kind); "
        "with a guard, both must hold.",
    )
    priority: StrictWhole = Field(
        0, description="Higher is tried first among transitions with the same source/trigger.")
    assign: dict[ContextPath, Expression] = Field(
        default_factory=dict,
        description="Context updates applied when it fires, each value computed by CEL; a key may be a dotted "
        "path into nested objects ('enrichment.company.size'), which sets only that key.",
    )
    description: str | None = Field(None, max_length=2000)
    id: Identifier | None = Field(None, description="An optional stable name, used by findings and diffs.")

    @model_validator(mode="after")
    def _errors_only_on_error(self) -> Transition:
        if self.errors and self.trigger != "error":
            raise ValueError("'errors' applies only to a transition on the trigger 'error'")
        return self

    @property
    def catches(self) -> frozenset[str] | None:
        """The error kinds it is limited to; None when it takes every kind."""
        if not self.errors or ANY_ERROR in self.errors:
            return None
        return frozenset(self.errors)

    def effective_guard(self) -> str | None:
        """The condition it fires under, `errors` written as the CEL it means: `event.kind == 'timeout'`,
        `event.kind in ['a', 'b']`, joined to the guard by `&&`."""
        kinds = self.catches
        if kinds is None:
            return self.guard
        names = sorted(kinds)
        test = f"event.kind == '{names[0]}'" if len(names) == 1 else \
            "event.kind in [" + ", ".join(f"'{kind}'" for kind in names) + "]"
        return test if self.guard is None else f"{test} && ({self.guard})"

    def sources(self, all_states: list[str]) -> list[str]:
        """The concrete source states, with '*' expanded to `all_states`."""
        if self.source == ANY_SOURCE:
            return list(all_states)
        if isinstance(self.source, str):
            return [self.source]
        return list(self.source)
