"""How checks word and build their findings: one place for the phrasing an analyst reads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from difflib import get_close_matches
from typing import Any

from engine.definition import MapState, ParallelState, State, Transition
from engine.validation.findings import Finding, tokens_of
from engine.validation.places import Place, place_of

__all__ = ["capitalised", "error", "listed", "nearest", "nesting", "quoted", "said_where", "transition_label",
           "trigger_words", "warning"]


def error(
    code: str, message: str, pointer: str, states: Iterable[str] = (), transitions: Iterable[int] = ()
) -> Finding:
    return Finding(code=code, severity="error", message=message, pointer=pointer,
                   states=tuple(states), transitions=tuple(transitions))


def warning(
    code: str, message: str, pointer: str, states: Iterable[str] = (), transitions: Iterable[int] = ()
) -> Finding:
    return Finding(code=code, severity="warning", message=message, pointer=pointer,
                   states=tuple(states), transitions=tuple(transitions))


def capitalised(text: str) -> str:
    """Upper-case the first letter only (state ids keep their case)."""
    return text[:1].upper() + text[1:]


def listed(items: Iterable[str], limit: int = 6) -> str:
    """['a', 'b', 'c'] → 'a, b and c'; long lists end with 'and N more'."""
    shown = list(items)
    if len(shown) > limit:
        shown = [*shown[:limit], f"{len(shown) - limit} more"]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def quoted(names: Iterable[str], limit: int = 6) -> str:
    """['a', 'b', 'c'] → "'a', 'b' and 'c'"."""
    return listed((f"'{name}'" for name in names), limit)


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate spelt most like `name` (a typo's likely meaning), if one is close enough."""
    closest = get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return closest[0] if closest else None


def trigger_words(trigger: str | None) -> str:
    return f"on '{trigger}'" if trigger else "automatically"


def transition_label(transition: Transition, index: int) -> str:
    """'transition 3 (review → booked on 'approve')', counted from 1 as the designer counts them (its JSON pointer,
    `/transitions/2`, counts from 0)."""
    source = transition.source
    if source == "*":
        origin = "any state"
    elif isinstance(source, str):
        origin = source
    else:
        origin = "/".join(source)
    return f"transition {index + 1} ({origin} → {transition.dest} {trigger_words(transition.trigger)})"


def nesting(states: Mapping[str, State]) -> dict[str, Any]:
    """The part of a machine's document `place_of` reads, from its model: its states that hold machines — a
    parallel state's branches by name, a map's iterator — each with its own, recursively."""
    held: dict[str, Any] = {}
    for sid, state in states.items():
        if isinstance(state, ParallelState):
            held[sid] = {"type": state.type,
                         "branches": [{"name": branch.name, **nesting(branch.states)} for branch in state.branches]}
        elif isinstance(state, MapState) and state.iterator is not None:
            held[sid] = {"type": state.type, "iterator": nesting(state.iterator.states)}
    return {"states": held}


def _subject(finding: Finding, document: Any) -> Place:
    """The place whose way there leads a finding: its pointer's, except that
    - one at a transition stops at the transition's machine: a check's message names the transition it is about
      itself ("Transition 2 (score → ok on 'done') …", "The guard of transition 2 (…)"), as it does at the top
      level, so a way there ending in "transition 2" would name it twice;
    - one at a branch's own field naming the state that holds the branch (`duplicate-branch`: two branches of one
      name) is about that state."""
    place = place_of(document, tokens_of(finding.pointer))
    if place.kind == "transition":
        return place_of(document, place.machine)
    if place.kind in ("branch", "iterator"):
        holder = place.element[:-2] if place.kind == "branch" else place.element[:-1]
        if finding.states == (holder[-1],):
            return place_of(document, holder)
    return place


def said_where(findings: Iterable[Finding], document: Any) -> list[Finding]:
    """The findings, each about something inside a parallel state's branch or a map's iterator led by the way
    there in the words a schema error there has (`Place.way_there`), up to the machine for one about a transition
    (see `_subject`); those at the top level as they are.
    `document`: what the pointers lead into — the definition, or `nesting` of its model."""
    placed: list[Finding] = []
    for finding in findings:
        way = _subject(finding, document).way_there()
        placed.append(finding.model_copy(update={"message": way + finding.message}) if way else finding)
    return placed
