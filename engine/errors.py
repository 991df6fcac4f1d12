"""The one error hierarchy of Statewright. Every error the engine raises derives from `StatewrightError`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.validation.findings import Finding

__all__ = [
    "ConcurrencyConflict",
    "DefinitionNotFound",
    "InstanceNotFound",
    "InvalidDefinition",
    "InvalidInput",
    "NotAuthorized",
    "RedriveRefused",
    "StatewrightError",
    "StorageError",
    "TransitionNotAllowed",
    "VersionConflict",
    "WriterBusy",
]


class StatewrightError(Exception):
    """Base of every Statewright error. `status` is the HTTP status the web layer maps it to."""

    status: int = 500
    title: str = "Statewright error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidDefinition(StatewrightError):
    """A workflow or agent definition has errors; `findings` says which and where. `strict`: refused for its
    warnings, as `deploy(..., strict=True)` refuses them — the message then lists every one with its pointer."""

    status = 422
    title = "Invalid definition"

    def __init__(self, findings: Sequence[Finding], source: str = "definition", *, strict: bool = False) -> None:
        self.findings = list(findings)
        self.source = source
        self.strict = strict
        errors = [f for f in self.findings if f.severity == "error"]
        if strict:  # every one listed with its pointer: no error among them tells the caller what to fix
            listed = "; ".join(f"{f.pointer or '/'}: {f.code}: {f.message}" for f in self.findings)
            what = "finding(s)" if errors else "warning(s)"  # a model's errors, which strict refuses too
            super().__init__(f"{source} has {len(self.findings)} {what}, refused as strict: {listed}")
            return
        first = errors[0] if errors else (self.findings[0] if self.findings else None)
        summary = f"{first.pointer or '/'}: {first.message}" if first else "no details"
        super().__init__(f"{source} has {len(errors)} error(s); first: {summary}")


class InvalidInput(StatewrightError):
    """A request's data does not fit: a context against the workflow's schema, a payload, an argument."""

    status = 422
    title = "Invalid input"


class DefinitionNotFound(StatewrightError):
    status = 404
    title = "Definition not found"


class InstanceNotFound(StatewrightError):
    status = 404
    title = "Instance not found"


class TransitionNotAllowed(StatewrightError):
    """The event is not accepted in the instance's current state; the instance is unchanged."""

    status = 409
    title = "Transition not allowed"

    def __init__(self, event: str, state: str, reason: str | None = None) -> None:
        self.event = event
        self.state = state
        detail = f"event '{event}' is not allowed in state '{state}'"
        super().__init__(f"{detail}: {reason}" if reason else detail)


class RedriveRefused(TransitionNotAllowed):
    """The instance cannot be redriven (it has not failed, or has no failed step to resume); it is unchanged."""

    title = "Redrive refused"

    def __init__(self, instance_id: str, state: str, reason: str) -> None:
        self.event = "(redrive)"
        self.state = state
        StatewrightError.__init__(self, f"the instance {instance_id} cannot be redriven: {reason}")


class ConcurrencyConflict(StatewrightError):
    """Someone else changed the instance first (its version moved on); retry with fresh data."""

    status = 409
    title = "Concurrency conflict"


class VersionConflict(StatewrightError):
    """A deployed (id, version) is immutable; different content under the same version is refused."""

    status = 409
    title = "Version conflict"


class NotAuthorized(StatewrightError):
    status = 403
    title = "Not authorized"


class StorageError(StatewrightError):
    status = 503
    title = "Storage error"


class WriterBusy(StorageError):
    """A write asked not to wait (`engine.runtime.engine.writes_without_waiting`) found the database's writer
    busy; nothing was done. The caller runs the work again where waiting is harmless (a worker thread)."""

    title = "Database writer busy"
