"""Where a JSON pointer lands in a definition: inside which state machine (the workflow, a parallel state's
branch, a map's iterator), on which element (a state, a transition, a branch, an item of a top-level list) and
which field of it — read from the pointer's tokens and the document's structure, whether or not the document
fits the model. Findings use it to name the state at fault, and validation to set a broken element aside."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["BREADCRUMB", "ElementKind", "Place", "place_of"]

Token = str | int
BREADCRUMB = " \u203a "  # between the steps of a way into nested machines, as the designer's breadcrumb shows them
ElementKind = Literal["workflow", "state", "transition", "branch", "iterator", "item"]

# The top-level lists whose items are elements of their own (an item set aside leaves the others where they are).
_ITEM_LISTS = frozenset({"policies", "schedules", "starts_on", "examples"})


@dataclass(frozen=True)
class Place:
    """`element`: the tokens of the innermost element the pointer is in; `field`: the tokens from it on (empty
    when the pointer is the element itself). `machines` names, outside in, each nested machine the element is
    in: ('both', 'credit') for a branch of parallel state 'both', ('each', None) for the iterator of map 'each'."""

    kind: ElementKind
    element: tuple[Token, ...]
    field: tuple[Token, ...]
    machines: tuple[tuple[str, str | None], ...] = ()

    @property
    def machine(self) -> tuple[Token, ...]:
        """The tokens of the object holding the element's machine (`initial`, `states`, `transitions`)."""
        if self.kind in ("state", "transition"):
            return self.element[:-2]
        return self.element

    def breadcrumb(self) -> list[str]:
        """The nested machines in words, outside in: ["parallel state 'both'", "branch 'credit'"]."""
        words: list[str] = []
        for state, branch in self.machines:
            if branch is None:
                words += [f"map state '{state}'", "iterator"]
            else:
                words += [f"parallel state '{state}'", f"branch '{branch}'"]
        return words

    def way_there(self) -> str:
        """Inside a parallel state's branch or a map's iterator, the way to the element in words, its steps joined
        as the designer's breadcrumb joins them: "In parallel state 'both', branch 'credit', state 'score': ", with
        `BREADCRUMB` for the commas (a transition is "transition 2", counted from 1; a branch's own field stops at
        the branch). Empty at the top level. Every finding about a nested element leads with it, a schema error's
        and a check's alike (a check's about a transition with the way to its machine: its message names the
        transition, `said_where`)."""
        if not self.machines:
            return ""
        words = self.breadcrumb()
        if self.kind == "state":
            words.append(f"state '{self.element[-1]}'")
        elif self.kind == "transition":
            words.append(f"transition {int(self.element[-1]) + 1}")
        return f"In {BREADCRUMB.join(words)}: "


def _machine_place(node: Any, tokens: Sequence[Token], at: int,
                   machines: tuple[tuple[str, str | None], ...]) -> Place | None:
    """The place of `tokens[at:]` inside the machine object `node` (its tokens are `tokens[:at]`); None when the
    pointer stops at a field of that machine."""
    if at >= len(tokens) or not isinstance(node, dict):
        return None
    name = tokens[at]
    if name == "transitions" and at + 1 < len(tokens) and isinstance(tokens[at + 1], int):
        return Place("transition", tuple(tokens[: at + 2]), tuple(tokens[at + 2:]), machines)
    if name != "states" or at + 1 >= len(tokens):
        return None
    states = node.get("states")
    state_id = tokens[at + 1]
    state = states.get(state_id) if isinstance(states, dict) and isinstance(state_id, str) else None
    inner = _state_place(state, str(state_id), tokens, at + 2, machines)
    return inner or Place("state", tuple(tokens[: at + 2]), tuple(tokens[at + 2:]), machines)


def _state_place(state: Any, state_id: str, tokens: Sequence[Token], at: int,
                 machines: tuple[tuple[str, str | None], ...]) -> Place | None:
    """A place inside a parallel state's branch or a map's iterator; None for one in the state's own fields."""
    if not isinstance(state, dict) or at >= len(tokens):
        return None
    index = tokens[at + 1] if at + 1 < len(tokens) else None
    if tokens[at] == "branches" and isinstance(index, int):
        branches = state.get("branches")
        branch = branches[index] if isinstance(branches, list) and 0 <= index < len(branches) else None
        name = branch.get("name") if isinstance(branch, dict) else None
        inside = (*machines, (state_id, name if isinstance(name, str) and name else f"#{index + 1}"))
        return _machine_place(branch, tokens, at + 2, inside) or Place(
            "branch", tuple(tokens[: at + 2]), tuple(tokens[at + 2:]), inside)
    if tokens[at] == "iterator" and state.get("type") == "map":
        inside = (*machines, (state_id, None))
        return _machine_place(state.get("iterator"), tokens, at + 1, inside) or Place(
            "iterator", tuple(tokens[: at + 1]), tuple(tokens[at + 1:]), inside)
    return None


def place_of(document: Any, tokens: Sequence[Token]) -> Place:
    """The innermost element `tokens` (a located JSON pointer) is in, and the field of it."""
    found = _machine_place(document, tokens, 0, ())
    if found is not None:
        return found
    if len(tokens) >= 2 and tokens[0] in _ITEM_LISTS and isinstance(tokens[1], int):
        return Place("item", tuple(tokens[:2]), tuple(tokens[2:]))
    return Place("workflow", (), tuple(tokens))
