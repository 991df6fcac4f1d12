"""What a definition is checked against: the known workflows, agents and, when known, the registered actions
(`unknown-subflow`, `unknown-agent`, `unknown-action`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.definition import Agent, Workflow

__all__ = ["Catalog"]


@dataclass(frozen=True)
class Catalog:
    workflows: dict[str, Workflow] = field(default_factory=dict)
    agents: dict[str, Agent] = field(default_factory=dict)
    actions: frozenset[str] | None = None  # the registered action handlers; None: not known, not checked
