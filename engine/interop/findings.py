"""What an importer or exporter says about a construct it refused or approximated."""

from __future__ import annotations

from engine.validation.findings import Finding, pointer

__all__ = ["INVALID_DOCUMENT", "NOT_EXPRESSIBLE", "UNSUPPORTED", "approximated", "invalid", "not_expressible",
           "unreadable", "unsupported"]

UNSUPPORTED = "unsupported-construct"
NOT_EXPRESSIBLE = "not-expressible"
INVALID_DOCUMENT = "invalid-document"


def unsupported(where: tuple[str | int, ...], state: str | None, construct: str, why: str) -> Finding:
    """An import refused: the source document uses `construct`, which has no Statewright counterpart."""
    at = f"state '{state}': " if state else ""
    return Finding(
        code=UNSUPPORTED,
        severity="error",
        message=f"{at}{construct} cannot be imported: {why}",
        pointer=pointer(*where),
        states=(state,) if state else (),
    )


def approximated(where: tuple[str | int, ...], state: str | None, construct: str, how: str) -> Finding:
    """Imported or exported with a difference the reader should know about."""
    at = f"state '{state}': " if state else ""
    return Finding(
        code="approximated",
        severity="warning",
        message=f"{at}{construct}: {how}",
        pointer=pointer(*where),
        states=(state,) if state else (),
    )


def not_expressible(where: tuple[str | int, ...], state: str | None, construct: str, target: str, why: str) -> Finding:
    """An export cannot carry `construct` of the workflow into `target`."""
    at = f"state '{state}': " if state else ""
    return Finding(
        code=NOT_EXPRESSIBLE,
        severity="error",
        message=f"{at}{construct} cannot be expressed in {target}: {why}",
        pointer=pointer(*where),
        states=(state,) if state else (),
    )


def unreadable(message: str, line: int | None = None, column: int | None = None) -> Finding:
    """The source document could not be read as the format at all."""
    return Finding(code=INVALID_DOCUMENT, severity="error", message=message, line=line, column=column)


def invalid(where: tuple[str | int, ...], state: str | None, message: str) -> Finding:
    """The source document breaks its own format's rules (a `Next` naming no state): no machine, in any engine."""
    at = f"state '{state}': " if state else ""
    return Finding(code=INVALID_DOCUMENT, severity="error", message=f"{at}{message}", pointer=pointer(*where),
                   states=(state,) if state else ())
