"""Statewright: explicit state-machine workflows in JSON — validated, drawn, executed durably.

The embedding API:

    from engine import Engine, Workflow

    engine = Engine("sqlite:///flows.db")            # or postgresql+psycopg://…; default $STATEWRIGHT_DATABASE_URL
    engine.register("extract_lead", extract_lead)     # handlers: plain or async, taking an ActionRequest
    engine.deploy(Workflow.model_validate(document))  # or a dict, JSON text or a Path
    run = engine.start("lead_qualification", {"email": "ann@example.com"})
    engine.run_until_idle()                           # or `statewright worker --db URL` beside the app

`import engine` stays cheap: the light names (the model, the errors) are imported here, the runtime's
(which pull in SQLAlchemy, CEL and the drivers, about two seconds) on first use — so a command that only
validates a file, or `import engine.definition`, never pays for the database layer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from engine.definition import Workflow
from engine.errors import (
    ConcurrencyConflict,
    DefinitionNotFound,
    InstanceNotFound,
    InvalidDefinition,
    InvalidInput,
    NotAuthorized,
    StatewrightError,
    StorageError,
    TransitionNotAllowed,
    VersionConflict,
)

if TYPE_CHECKING:
    from engine.runtime.actions import ActionError, ActionRequest, ActionResult, Cost, HandlerRegistry
    from engine.runtime.async_engine import AsyncEngine
    from engine.runtime.clock import Clock, ManualClock, SystemClock
    from engine.runtime.engine import Engine
    from engine.runtime.memory import SharedMemory
    from engine.runtime.views import (
        ApprovalView,
        DeployedRef,
        HistoryEntry,
        InstanceView,
        PublishResult,
        ReplayReport,
    )

_RUNTIME: dict[str, str] = {
    "ActionError": "engine.runtime.actions",
    "ActionRequest": "engine.runtime.actions",
    "ActionResult": "engine.runtime.actions",
    "Cost": "engine.runtime.actions",
    "HandlerRegistry": "engine.runtime.actions",
    "AsyncEngine": "engine.runtime.async_engine",
    "Clock": "engine.runtime.clock",
    "ManualClock": "engine.runtime.clock",
    "SystemClock": "engine.runtime.clock",
    "Engine": "engine.runtime.engine",
    "SharedMemory": "engine.runtime.memory",
    "ApprovalView": "engine.runtime.views",
    "DeployedRef": "engine.runtime.views",
    "HistoryEntry": "engine.runtime.views",
    "InstanceView": "engine.runtime.views",
    "PublishResult": "engine.runtime.views",
    "ReplayReport": "engine.runtime.views",
}


def __getattr__(name: str) -> Any:
    """The runtime's names, imported when first asked for (PEP 562)."""
    module = _RUNTIME.get(name)
    if module is None:
        raise AttributeError(f"module 'engine' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "ActionError",
    "ActionRequest",
    "ActionResult",
    "ApprovalView",
    "AsyncEngine",
    "Clock",
    "ConcurrencyConflict",
    "Cost",
    "DefinitionNotFound",
    "DeployedRef",
    "Engine",
    "HandlerRegistry",
    "HistoryEntry",
    "InstanceNotFound",
    "InstanceView",
    "InvalidDefinition",
    "InvalidInput",
    "ManualClock",
    "NotAuthorized",
    "PublishResult",
    "ReplayReport",
    "SharedMemory",
    "StatewrightError",
    "StorageError",
    "SystemClock",
    "TransitionNotAllowed",
    "VersionConflict",
    "Workflow",
]
