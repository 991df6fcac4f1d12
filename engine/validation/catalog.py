"""The set of workflows and agents a definition is checked against (`unknown-subflow`, `unknown-agent`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.definition import Agent, Workflow

__all__ = ["Catalog"]


@dataclass(frozen=True)
class Catalog:
    workflows: dict[str, Workflow] = field(default_factory=dict)
    agents: dict[str, Agent] = field(default_factory=dict)
