"""What the diagram says about each state and transition, as plain text; each format escapes it itself."""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass

from engine.definition import (
    ApprovalState,
    FinalState,
    MapState,
    ParallelState,
    State,
    SubflowState,
    TaskState,
    Transition,
    WaitState,
)
from engine.render.style import style_of

__all__ = ["AUTO", "GUARD_LINES", "GUARD_WIDTH", "NodeLabel", "clean", "edge_label", "edge_text", "guard_lines",
           "node_label", "trigger_text", "wrap_words"]

AUTO = "auto"
GUARD_WIDTH = 34
"""A guard is wrapped at spaces into lines about this long, so a long one makes a tall label, not a wide one."""
GUARD_LINES = 3
"""At most this many lines of guard; the rest is cut with '…' (the SVG's tooltip has it all, see `edge_text`)."""
_LONGEST = 60
_LONGEST_TITLE = 80
_LONGEST_TOOLTIP = 1000


def clean(text: str, longest: int = _LONGEST) -> str:
    """One printable line: control characters and broken surrogates become spaces; long text ends in '…'."""
    kept = text if text.isprintable() else "".join(  # printable: no control, separator or unassigned character
        " " if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") else ch
        for ch in text
        if ch not in "\ufffe\uffff"
    )
    line = " ".join(kept.split())
    return line if len(line) <= longest else line[: longest - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class NodeLabel:
    """A bold heading (the title, else the id) and smaller lines under it."""

    heading: str
    lines: tuple[str, ...]


def _wait(state: WaitState) -> str:
    if state.event is not None:
        timeout = f", timeout {state.timeout}" if state.timeout else ""
        return f"event {state.event.type}{timeout}"
    return f"wait {state.duration}" if state.duration else f"until {state.deadline}"


def _map(state: MapState) -> str:
    body = "" if state.workflow is None else f": subflow {state.workflow}"
    return f"for each item of {state.items}{body}, {state.max_concurrency} at a time"


def _detail(state: State) -> str:
    """One line on what the state does: the task's agent and action, who approves, what is awaited."""
    cue = style_of(state).cue
    match state:
        case TaskState(agent=str(agent)):
            text = f"{cue}{agent} · {state.action}"
        case TaskState():
            text = cue + state.action
        case ApprovalState():
            who = ", ".join([*state.approvers.roles, *state.approvers.users])
            text = cue + who + (f" (quorum {state.quorum})" if state.quorum > 1 else "")
        case WaitState():
            text = _wait(state)
        case SubflowState():
            text = f"subflow {state.workflow}" + (f" v{state.version}" if state.version is not None else "")
        case FinalState():
            text = cue + state.outcome
        case ParallelState():
            text = f"parallel, join {state.join.mode}" + (f" {state.join.quorum}" if state.join.quorum else "")
        case MapState():
            text = style_of(state).cue + _map(state)
        case _:
            text = ""
    return text


def node_label(state_id: str, state: State) -> NodeLabel:
    """The heading is the title when there is one, and the id follows on its own line."""
    title = clean(state.title, _LONGEST_TITLE) if state.title else ""
    lines = [state_id] if title and title != state_id else []
    detail = clean(_detail(state))
    if detail:
        lines.append(detail)
    return NodeLabel(title or state_id, tuple(lines))


def trigger_text(transition: Transition) -> str:
    """The trigger, or 'auto'; an `error` transition limited to some kinds names them: 'error (timeout | http_5xx)'."""
    kinds = transition.catches
    if kinds is None:
        return transition.trigger or AUTO
    return clean(f"{transition.trigger} ({' | '.join(sorted(kinds))})")


def wrap_words(text: str, width: int) -> list[str]:
    """`text` (one clean line, see `clean`) wrapped at spaces into lines of about `width` characters; a word
    longer than that stays whole. Most labels fit on one line, so that case skips `textwrap`."""
    if len(text) <= width:
        return [text] if text else []
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)


def guard_lines(guard: str, width: int = GUARD_WIDTH, most: int = GUARD_LINES) -> tuple[str, ...]:
    """`[guard]` wrapped at spaces into at most `most` lines of about `width` characters; a guard too long
    for them ends in '…' on the last line."""
    lines = wrap_words(f"[{clean(guard, _LONGEST_TOOLTIP)}]", width)
    if len(lines) <= most:
        return tuple(lines)
    kept = lines[:most]
    return (*kept[:-1], kept[-1][: width - 1].rstrip() + "…")


def edge_label(transition: Transition) -> tuple[str, ...]:
    """The trigger (or 'auto') with the error kinds it catches, then `[guard]` over a few lines, then the
    priority when it is not the default."""
    lines = [trigger_text(transition)]
    if transition.guard:
        lines.extend(guard_lines(transition.guard))
    if transition.priority:
        lines.append(f"priority {transition.priority}")
    return tuple(lines)


def edge_text(transition: Transition) -> str:
    """The whole of what an edge stands for on one line, its guard uncut: an SVG tooltip for a shortened label."""
    guard = f" [{clean(transition.guard, _LONGEST_TOOLTIP)}]" if transition.guard else ""
    priority = f" priority {transition.priority}" if transition.priority else ""
    return f"{trigger_text(transition)}{guard}{priority}"
