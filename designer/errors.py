"""The designer's own errors. They extend the engine's hierarchy, so one handler maps them all to problems."""

from __future__ import annotations

from engine.errors import StatewrightError

__all__ = [
    "AccountConflict",
    "ApprovalClosed",
    "ConfirmationRequired",
    "CsrfRefused",
    "DiagramTooLarge",
    "DiagramsBusy",
    "Forbidden",
    "IdTaken",
    "LastAdmin",
    "LoginThrottled",
    "NoSession",
    "NotFound",
    "RevisionConflict",
    "TestsBusy",
    "TooManyDiagrams",
    "Unauthenticated",
    "UnsupportedMediaType",
    "WorkersStopped",
]


class Unauthenticated(StatewrightError):
    status = 401
    title = "Authentication required"


class Forbidden(StatewrightError):
    status = 403
    title = "Forbidden"


class CsrfRefused(StatewrightError):
    status = 403
    title = "CSRF token missing or wrong"
    slug = "csrf"


class LoginThrottled(StatewrightError):
    status = 429
    title = "Too many failed logins"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many failed logins for this user; try again in {retry_after_s} seconds")
        self.retry_after_s = retry_after_s


class NoSession(StatewrightError):
    """Signing out of a request that has no browser session: one authenticated by a bearer token."""

    status = 409
    title = "No session to end"
    slug = "no-session"


class NotFound(StatewrightError):
    status = 404
    title = "Not found"


class RevisionConflict(StatewrightError):
    status = 409
    title = "Concurrency conflict"
    slug = "concurrency-conflict"


class AccountConflict(StatewrightError):
    status = 409
    title = "Account exists"


class LastAdmin(StatewrightError):
    """A change to a user that would leave their tenant with no enabled admin: nobody could manage its users."""

    status = 409
    title = "Last admin"
    slug = "last-admin"


class IdTaken(StatewrightError):
    """A new workflow's id is already a deployed workflow's or another new draft's."""

    status = 409
    title = "Id already in use"
    slug = "id-taken"


class ConfirmationRequired(StatewrightError):
    """Publishing would replace a different flow of the same id; the publisher must say so explicitly."""

    status = 409
    title = "Confirmation required"
    slug = "confirmation-required"


class ApprovalClosed(StatewrightError):
    """A decision on an approval that is no longer waiting: someone decided it first (in another tab, or another
    approver), it timed out, or its instance was cancelled. Its own slug, so a page can tell it from other
    conflicts and show the request as it is now instead of the engine's "event not allowed in state" words."""

    status = 409
    title = "Approval closed"
    slug = "approval-closed"


class UnsupportedMediaType(StatewrightError):
    """A body the server does not read: not JSON where JSON is taken, or compressed (a Content-Encoding)."""

    status = 415
    title = "Unsupported media type"
    slug = "unsupported-media-type"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.headers = headers


class DiagramTooLarge(StatewrightError):
    """A flow with more edges than Graphviz lays out in time, refused before it runs (designer/graphviz_slots.py)."""

    status = 422
    title = "Diagram too large"
    slug = "diagram-too-large"

    def __init__(self, detail: str, *, edges: int, limit: int) -> None:
        super().__init__(detail)
        self.edges = edges
        self.limit = limit


class TooManyDiagrams(StatewrightError):
    """A drawing asked for while the same user has as many running (or waiting for Graphviz) as one user may."""

    status = 429
    title = "Too many diagrams at once"
    slug = "too-many-diagrams"

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class DiagramsBusy(StatewrightError):
    """Every Graphviz slot of the server stayed taken, by several users, for as long as a drawing may take."""

    status = 503
    title = "Diagrams busy"
    slug = "diagrams-busy"

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class TestsBusy(StatewrightError):
    """Tests asked for while the server generates as many sets as it runs at once."""

    status = 429
    title = "Tests being generated"
    slug = "tests-busy"

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class WorkersStopped(StatewrightError):
    """A worker thread of the server stopped by itself: it answers, but no instance moves in it (`/api/ready`)."""

    status = 503
    title = "Workers stopped"
    slug = "workers-stopped"
