"""A workflow or a parallel branch seen the same way by every exporter: states, and each state's outgoing
transitions grouped by trigger in the order the engine tries them. The transitions are indexed by source once, so
asking every state for its own costs time in proportion to the machine, not to its square."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
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
        found = list(self._by_source.get(state_id, ()))
        if include_any and self._from_anywhere and state_id in self._non_final:
            found += self._from_anywhere
        found.sort(key=lambda placed: (-placed[1].priority, placed[0]))
        grouped: dict[str | None, list[Transition]] = {}
        for _, transition in found:
            grouped.setdefault(transition.trigger, []).append(transition)
        return grouped

    @cached_property
    def _by_source(self) -> dict[str, list[tuple[int, Transition]]]:
        """state id → (file position, transition) of those leaving it by name; '*' sources aside."""
        index: dict[str, list[tuple[int, Transition]]] = {}
        for position, transition in enumerate(self.transitions):
            if transition.source != ANY_SOURCE:
                for source in dict.fromkeys(transition.sources([])):
                    index.setdefault(source, []).append((position, transition))
        return index

    @cached_property
    def _from_anywhere(self) -> list[tuple[int, Transition]]:
        return [(position, t) for position, t in enumerate(self.transitions) if t.source == ANY_SOURCE]

    @cached_property
    def _non_final(self) -> frozenset[str]:
        return frozenset(self.non_final())

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
