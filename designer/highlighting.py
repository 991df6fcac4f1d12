"""An instance's path as a diagram highlight: the states it entered and the transitions it took."""

from __future__ import annotations

from engine.errors import InstanceNotFound
from engine.runtime.engine import Engine
from engine.runtime.instance_path import instance_highlight
from engine.runtime.views import InstanceView

__all__ = ["instance_highlight", "tenant_instance"]


def tenant_instance(engine: Engine, instance_id: str, tenant: str, *, internal: bool = False) -> InstanceView:
    """The instance, when it belongs to `tenant`; any other is reported as not existing — and, unless `internal`,
    a map's item or a parallel state's branch too (the engine's own, read through their parent)."""
    if len(instance_id) > 64:
        raise InstanceNotFound(f"no instance '{instance_id}'")
    found = engine.get(instance_id)
    if found.tenant != tenant or (found.branch and not internal):
        raise InstanceNotFound(f"no instance '{instance_id}'")
    return found
