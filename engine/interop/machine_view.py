"""A workflow or a parallel branch seen the same way by every exporter: states, and each state's outgoing
transitions grouped by trigger in the order the engine tries them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.definition import ANY_SOURCE, FinalState, State, Transition

__all__ = ["MachineView", "state_body", "transition_body"]


@dataclass(frozen=True)
class MachineView:
    states: Mapping[str, State]
    transitions: Sequence[Transition]

    def non_final(self) -> list[str]:
        return [sid for sid, s in self.states.items() if not isinstance(s, FinalState)]

    def outgoing(self, state_id: str, include_any: bool = True) -> dict[str | None, list[Transition]]:
        """trigger → transitions, highest priority first, file order breaking ties ('*' sources optional)."""
        names = self.non_final()
        found = [t for t in self.transitions
                 if (include_any or t.source != ANY_SOURCE) and state_id in t.sources(names)]
        found.sort(key=lambda t: -t.priority)
        grouped: dict[str | None, list[Transition]] = {}
        for transition in found:
            grouped.setdefault(transition.trigger, []).append(transition)
        return grouped

    def any_source(self) -> dict[str | None, list[Transition]]:
        grouped: dict[str | None, list[Transition]] = {}
        for transition in sorted((t for t in self.transitions if t.source == ANY_SOURCE), key=lambda t: -t.priority):
            grouped.setdefault(transition.trigger, []).append(transition)
        return grouped


def state_body(state: State) -> dict[str, Any]:
    """The state as its JSON (defaults left out), branches excluded: they are written as regions."""
    body: dict[str, Any] = state.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    body["type"] = state.type
    body.pop("branches", None)
    return body


def transition_body(transition: Transition) -> dict[str, Any]:
    return transition.model_dump(mode="json", exclude_defaults=True)
