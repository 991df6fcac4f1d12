"""What a definition is checked against: the known workflows, agents and, when known, the registered actions
(`unknown-subflow`, `unknown-agent`, `unknown-action`).

One rule builds it for every door a definition comes through — `engine.deploy`, the designer's checks and
`statewright validate --db/--handlers` all take `Engine.catalog` (the deployed workflows and agents, the engine's
registered actions), with the definitions deployed alongside laid over it (`with_alongside`). A plain
`statewright validate` has no database: its catalog is the files' own (`engine.cli.definition_commands`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.definition import Agent, Workflow

__all__ = ["Catalog"]


@dataclass(frozen=True)
class Catalog:
    workflows: dict[str, Workflow] = field(default_factory=dict)
    agents: dict[str, Agent] = field(default_factory=dict)
    actions: frozenset[str] | None = None  # the registered action handlers; None: not known, not checked

    def with_alongside(self, workflows: Iterable[Workflow] = (), agents: Iterable[Agent] = ()) -> Catalog:
        """This catalog with definitions deployed together with the one checked counted as known (they win
        over a deployed version of the same id: they are what will be in force)."""
        return Catalog(
            workflows={**self.workflows, **{w.id: w for w in workflows}},
            agents={**self.agents, **{a.id: a for a in agents}},
            actions=self.actions,
        )

    @staticmethod
    def known_actions(registered: Iterable[str]) -> frozenset[str] | None:
        """The registered set as a catalog holds it: none registered means this process cannot know them (the
        handlers live in worker processes, or register after the flows are deployed), so they go unchecked."""
        names = frozenset(registered)
        return names or None
