"""What `--allow-loss` writes in place of a state ASL cannot express, so the document stays a valid machine.

Leaving the state out would leave every `StartAt`, `Next`, `Default` and `Catch` naming it dangling, and the
states only it leads to unreachable — Step Functions (and `statewright import asl`) refuse both. So the state
keeps its name and becomes a placeholder whose `Comment` says what was dropped and why:

- a state with one way on (itself excluded) → a `Pass` to it;
- several ways on → a `Choice` that takes the first (`done` before `error` before the rest) unless the input's
  `placeholder_way` names another, so every state after it stays reachable;
- no way on → `Succeed`, or `Fail` (`Statewright.NotExpressible`) for a failure end or a stuck state.

Each placeholder is reported as an `approximated` warning beside the `not-expressible` error, naming its ways.
A state that only transitions from any state (`"*"`, which ASL lacks) lead to would be unreachable: it is left
out, with a warning naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.definition import FinalState, State
from engine.interop.findings import approximated
from engine.interop.machine_view import MachineView
from engine.validation.findings import Finding

__all__ = ["PLACEHOLDER_ERROR", "PLACEHOLDER_WAY", "placeholder", "without_unreachable"]

PLACEHOLDER_WAY = "placeholder_way"  # the input key a placeholder Choice reads to take a way other than its first
PLACEHOLDER_ERROR = "Statewright.NotExpressible"


def _ways_on(sid: str, view: MachineView) -> list[str]:
    """The distinct destinations of the state's own transitions, itself excluded, `done` and choice ways first."""
    grouped = view.outgoing(sid, include_any=False)
    order = sorted(grouped, key=lambda trigger: (trigger not in ("done", None), trigger == "error"))
    ways: list[str] = []
    for trigger in order:
        for transition in grouped[trigger]:
            if transition.dest != sid and transition.dest not in ways:
                ways.append(transition.dest)
    return ways


def _way_rule(dest: str, name: str) -> dict[str, Any]:
    variable = f"$.{PLACEHOLDER_WAY}"
    return {"And": [{"Variable": variable, "IsPresent": True}, {"Variable": variable, "StringEquals": name}],
            "Next": dest}


def placeholder(sid: str, state: State, view: MachineView, construct: str, where: tuple[str | int, ...], *,
                names: Mapping[str, str]) -> tuple[dict[str, Any], Finding]:
    """The placeholder ASL state for `sid`, and the warning that names it and where it goes. Its `Next` and
    `Default` are state ids, as in the rest of the machine before its states are named; what it says, and the
    values `placeholder_way` takes, are the ASL names (`names`: id → name)."""
    comment = f"Placeholder: Statewright {state.type} state '{sid}' was dropped ({construct} cannot be expressed)"
    ways = [] if isinstance(state, FinalState) else _ways_on(sid, view)
    said = [names.get(w, w) for w in ways]
    if len(ways) == 1:
        body: dict[str, Any] = {"Type": "Pass", "Comment": f"{comment}; goes on to '{said[0]}'", "Next": ways[0]}
        how = f"a placeholder Pass in its place goes on to '{said[0]}'"
    elif ways:
        others = ", ".join(f"'{w}'" for w in said[1:])
        body = {"Type": "Choice", "Comment": f"{comment}; goes on to '{said[0]}', or to {others} when "
                f"$.{PLACEHOLDER_WAY} names it", "Choices": [_way_rule(w, n) for w, n in zip(ways[1:], said[1:],
                                                                                          strict=True)],
                "Default": ways[0]}
        how = f"a placeholder Choice in its place goes on to '{said[0]}' (or {others} when " \
              f"$.{PLACEHOLDER_WAY} names it)"
    elif isinstance(state, FinalState) and state.outcome == "success":
        body = {"Type": "Succeed", "Comment": comment}
        how = "a placeholder Succeed in its place"
    else:
        body = {"Type": "Fail", "Comment": comment, "Error": PLACEHOLDER_ERROR, "Cause": comment}
        how = f"a placeholder Fail ({PLACEHOLDER_ERROR}) in its place"
    return body, approximated(where, sid, "dropped", how)


def _targets(state: dict[str, Any]) -> list[str]:
    found = [state[key] for key in ("Next", "Default") if key in state]
    return found + [rule["Next"] for rule in (*state.get("Choices", []), *state.get("Catch", []))]


def without_unreachable(initial: str, states: dict[str, Any],
                        where: tuple[str | int, ...]) -> tuple[dict[str, Any], list[Finding]]:
    """The written states `initial` leads to, and a warning for each left out (only a '*' transition led there)."""
    reached, todo = {initial}, [initial]
    while todo:
        for target in _targets(states.get(todo.pop(), {})):
            if target not in reached:
                reached.add(target)
                todo.append(target)
    left_out = [approximated((*where, "states", sid), sid, "dropped",
                             "left out, as only transitions from any state ('*') lead to it and ASL has none")
                for sid in states if sid not in reached]
    return {sid: body for sid, body in states.items() if sid in reached}, left_out
