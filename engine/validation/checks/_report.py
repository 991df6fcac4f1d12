"""How checks word and build their findings: one place for the phrasing an analyst reads."""

from __future__ import annotations

from collections.abc import Iterable

from engine.definition import Transition
from engine.validation.findings import Finding

__all__ = ["capitalised", "error", "listed", "quoted", "transition_label", "trigger_words", "warning"]


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
