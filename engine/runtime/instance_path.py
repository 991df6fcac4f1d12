"""The path an instance took, as a diagram highlight: the states it entered and the transitions it took."""

from __future__ import annotations

from engine.definition import Workflow
from engine.render import Highlight, TransitionStep
from engine.runtime.engine import Engine
from engine.runtime.snapshot import AUTO

__all__ = ["instance_highlight"]


def instance_highlight(engine: Engine, workflow: Workflow, instance_id: str) -> Highlight:
    """Read from the instance's history (raises InstanceNotFound for an unknown id)."""
    steps: list[TransitionStep] = [
        (entry.from_state, None if entry.event == AUTO else entry.event, entry.to_state)
        for entry in engine.trail(instance_id)
        if entry.from_state is not None and entry.from_state != entry.to_state
    ]
    return Highlight.of_history(workflow, steps)
