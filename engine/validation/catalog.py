"""What a definition is checked against: the known workflows, agents and, when known, the actions some handler
performs (`unknown-subflow`, `unknown-agent`, `unknown-action`).

One rule builds it for every door a definition comes through — `engine.deploy`, the designer's checks and
`statewright validate --db/--handlers` all take `Engine.catalog` (the deployed workflows and agents; the actions
registered in the engine's process and those the database's live workers advertise), with the definitions
deployed alongside laid over it (`with_alongside`). A plain `statewright validate` has no database: its catalog is
the files' own (`engine.cli.definition_commands`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from engine.definition import Agent, Workflow

__all__ = ["Catalog"]


@dataclass(frozen=True)
class Catalog:
    workflows: dict[str, Workflow] = field(default_factory=dict)
    agents: dict[str, Agent] = field(default_factory=dict)
    actions: frozenset[str] | None = None  # the actions a handler is known for; None: not known, not checked
    workers: tuple[str, ...] = ()  # the live workers whose actions `actions` counts (their owner names)
    # the JSON Schema of the input of each action registered here with one (`HandlerRegistry.register`)
    action_inputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def with_alongside(self, workflows: Iterable[Workflow] = (), agents: Iterable[Agent] = ()) -> Catalog:
        """This catalog with definitions deployed together with the one checked counted as known (they win
        over a deployed version of the same id: they are what will be in force)."""
        return Catalog(
            workflows={**self.workflows, **{w.id: w for w in workflows}},
            agents={**self.agents, **{a.id: a for a in agents}},
            actions=self.actions,
            workers=self.workers,
            action_inputs=self.action_inputs,
        )

    @staticmethod
    def known_actions(registered: Iterable[str], *advertised: Iterable[str]) -> frozenset[str] | None:
        """The actions a catalog holds: those `registered` in this process and those each live worker `advertised`
        (`engine.runtime.live_workers`). None of either means this process cannot know them (the handlers live in
        worker processes that do not advertise, or register after the flows are deployed), so they go
        unchecked."""
        names = frozenset(registered).union(*advertised)
        return names or None
