"""An instance's path as a diagram highlight: the states it entered and the transitions it took."""

from __future__ import annotations

from engine.errors import InstanceNotFound
from engine.runtime.engine import Engine
from engine.runtime.instance_path import instance_highlight
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
