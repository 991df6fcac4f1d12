"""memory.get, memory.set, memory.append, memory.get_list: the engine's shared memory (`engine.runtime.memory`)
as the agents' tools, so what an agent stores is what the workflows' CEL expressions and handlers read.

`scope` names where a key lives:

- `global` (the default): the tenant's cross-workflow memory — `memory.global` in CEL;
- `workflow:<instance id>`: the memory that instance's top-level workflow shares with its branches and
  subflows — `memory.workflow` in CEL;
- any other name, e.g. `support_squad`: a namespace in the global memory, its keys stored as
  `<scope>:<key>` (the document's convention for flat keys), so CEL reads `memory.global['support_squad:k']`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from agents.tools.errors import ToolError
from agents.tools.sandbox.store import rfc3339
from engine.errors import InstanceNotFound, InvalidInput, StatewrightError
from engine.runtime.memory import SharedMemory

__all__ = ["SandboxMemory"]

Json = dict[str, Any]
WORKFLOW_PREFIX = "workflow:"
T = TypeVar("T")


class SandboxMemory:
    """Implements `agents.tools.interface.Memory` over the engine's shared memory."""

    def __init__(self, memory: SharedMemory) -> None:
        self.memory = memory

    def get(self, *, key: str, scope: str = "global", tenant: str | None = None) -> Json:
        """The value, or found: false when absent or expired."""
        name, instance_id = _place("memory.get", scope, key)
        found = _call("memory.get", lambda: self.memory.entry(name, tenant=tenant, instance_id=instance_id))
        if found is None:
            return {"scope": scope, "key": key, "found": False, "value": None}
        return {"scope": scope, "key": key, "found": True, "value": found.value,
                "expires_at": rfc3339(found.expires_at)}

    def set(self, *, key: str, value: Any, scope: str = "global", ttl_s: float | None = None,
            tenant: str | None = None) -> Json:
        """Store (or replace) a JSON value; with ttl_s it expires that many seconds from now."""
        name, instance_id = _place("memory.set", scope, key)
        stored = _call("memory.set", lambda: self.memory.set(name, value, ttl_s=ttl_s, tenant=tenant,
                                                             instance_id=instance_id))
        return {"scope": scope, "key": key, "stored": True, "expires_at": rfc3339(stored.expires_at)}


    def append(self, *, key: str, value: Any, scope: str = "global", ttl_s: float | None = None,
               tenant: str | None = None) -> Json:
        """Add a JSON value to the end of the list under the key (started when absent), atomically: agents
        appending at once lose nothing. With ttl_s the list expires that many seconds from now."""
        name, instance_id = _place("memory.append", scope, key)
        _call("memory.append", lambda: self.memory.append(name, value, ttl_s=ttl_s, tenant=tenant,
                                                          instance_id=instance_id))
        return {"scope": scope, "key": key, "appended": True}

    def get_list(self, *, key: str, scope: str = "global", tenant: str | None = None) -> Json:
        """The list under the key, oldest first (empty when absent or expired)."""
        name, instance_id = _place("memory.get_list", scope, key)
        items = _call("memory.get_list", lambda: self.memory.get_list(name, tenant=tenant, instance_id=instance_id))
        return {"scope": scope, "key": key, "items": items, "count": len(items)}


def _place(tool: str, scope: str, key: str) -> tuple[str, str | None]:
    """The engine memory's key and instance (None: global memory) for a tool's scope and key."""
    if not scope or not key:
        raise ToolError(tool, "validation", "memory needs a scope and a key")
    if scope.startswith(WORKFLOW_PREFIX):
        return key, scope.removeprefix(WORKFLOW_PREFIX)
    return (key if scope == "global" else f"{scope}:{key}"), None


def _call(tool: str, work: Callable[[], T]) -> T:
    try:
        return work()
    except InvalidInput as exc:
        raise ToolError(tool, "validation", exc.detail) from exc
    except InstanceNotFound as exc:
        raise ToolError(tool, "not_found", exc.detail) from exc
    except StatewrightError as exc:
        raise ToolError(tool, "unavailable", exc.detail) from exc
