"""An instance's path as a diagram highlight: the states it entered and the transitions it took."""

from __future__ import annotations

from engine.definition import Workflow
from engine.errors import InstanceNotFound
from engine.render import Highlight, TransitionStep
from engine.runtime.engine import Engine
from engine.runtime.snapshot import AUTO
from engine.runtime.views import InstanceView

__all__ = ["instance_highlight", "tenant_instance"]


def tenant_instance(engine: Engine, instance_id: str, tenant: str) -> InstanceView:
    """The instance, when it belongs to `tenant`; any other is reported as not existing."""
    if len(instance_id) > 64:
        raise InstanceNotFound(f"no instance '{instance_id}'")
    found = engine.get(instance_id)
    if found.tenant != tenant or found.branch:
        raise InstanceNotFound(f"no instance '{instance_id}'")
    return found


def instance_highlight(engine: Engine, workflow: Workflow, instance_id: str) -> Highlight:
    steps: list[TransitionStep] = [
        (entry.from_state, None if entry.event == AUTO else entry.event, entry.to_state)
        for entry in engine.history(instance_id)
        if entry.from_state is not None and entry.from_state != entry.to_state
    ]
    return Highlight.of_history(workflow, steps)
