"""One ASL state machine being read — the workflow itself, a Parallel branch or a Map's item processor — into
Statewright states and transitions, and how its readers report: a refusal is recorded and reading goes on, so
one import names every construct it cannot map, in every state, each at its field."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from engine.interop.cel_subset import Path
from engine.interop.findings import approximated, invalid, unsupported
from engine.interop.ids import IdentifierMap
from engine.validation.findings import Finding

__all__ = ["NOWHERE", "Machine", "Shared", "Where"]

Where = tuple[str | int, ...]

# where a way on goes when its field names no state: that is reported (see `names_no_state`), and a document
# with any error imports as nothing, so the transition is never seen
NOWHERE = ""


@dataclass
class Shared:
    """What the whole import shares: the ids given, every finding, and the types Choice rules compare."""

    ids: IdentifierMap
    findings: list[Finding] = field(default_factory=list)
    learned: dict[str, str] = field(default_factory=dict)


@dataclass
class Machine:
    """One state machine being built: the workflow itself, a Parallel branch or a Map's item processor (whose
    `$` is the item: `root` is then `item`)."""

    shared: Shared
    where: Where
    names: set[str]
    root: Path | None = None
    items: bool = False  # a Map's item processor: a Pass that ends it with Parameters is the item's result
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    transitions: list[dict[str, Any]] = field(default_factory=list)
    finals: dict[str, str] = field(default_factory=dict)

    def refuse(self, name: str, construct: str, why: str, *at: str | int) -> None:
        """Record that the ASL state `name` uses `construct` (at `at` in it), which has no counterpart; the
        reader goes on, to name the state's other faults too."""
        self.shared.findings.append(unsupported((*self.where, "States", name, *at), name, construct, why))

    def warn(self, name: str, construct: str, how: str, *at: str | int) -> None:
        self.shared.findings.append(approximated((*self.where, "States", name, *at), name, construct, how))

    def final(self, outcome: str) -> str:
        """The machine's shared end state for `End: true` (success) or an uncaught error (failure)."""
        if outcome not in self.finals:
            sid = self.shared.ids.fresh("succeeded" if outcome == "success" else "failed")
            self.states[sid] = {"type": "final", "outcome": outcome}
            self.finals[outcome] = sid
        return self.finals[outcome]

    def target(self, name: str, state: dict[str, Any], key: str = "Next", *at: str | int) -> str:
        """The state `state[key]` names; `at`: where `state` lies in the ASL state `name` (a catcher, a rule).
        A field naming no state was reported when the machine was first read (`names_no_state`), and a missing
        `Next` where the state has no `End` either is refused by itself: either way the way on goes nowhere."""
        if state.get("End") is True and key == "Next" and not at:
            return self.final("success")
        if key not in state or self.names_no_state(name, state, key, *at) is not None:
            return NOWHERE
        return self.shared.ids[state[key]]

    def names_no_state(self, name: str, state: dict[str, Any], key: str, *at: str | int) -> Finding | None:
        """The finding when `state[key]` is no state's name: the document is invalid (Step Functions refuses
        it too)."""
        nxt = state.get(key)
        where = (*self.where, "States", name, *at, key)
        if not isinstance(nxt, str):
            return invalid(where, name, f"{key} must be the name of a state, not {json.dumps(nxt)}")
        if nxt not in self.names:
            return invalid(where, name, f"{key}: there is no state '{nxt}' in this machine")
        return None

    def edge(self, source: str, dest: str, trigger: str | None = None, **extra: Any) -> None:
        self.transitions.append({"source": source, **({"trigger": trigger} if trigger else {}), "dest": dest,
                                 **{k: v for k, v in extra.items() if v not in (None, {}, 0)}})
