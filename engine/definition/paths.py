"""Context paths: where a task's `output` and a transition's `assign` write — a top-level key (`lead`) or a
dotted path into nested objects (`enrichment.company.size`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

__all__ = ["CONTEXT_PATH_PATTERN", "ContextPath", "path_parts"]

_SEGMENT = r"[A-Za-z_][A-Za-z0-9_\-]*"
CONTEXT_PATH_PATTERN = rf"^{_SEGMENT}(\.{_SEGMENT})*$"

ContextPath = Annotated[
    str,
    Field(
        pattern=CONTEXT_PATH_PATTERN,
        max_length=512,
        description="A context key, or a dotted path of keys into nested objects (e.g. 'enrichment.company.size'); "
        "each key made of letters, digits, '_' and '-', starting with a letter or '_'.",
    ),
]


def path_parts(path: str) -> tuple[str, ...]:
    """'enrichment.company.size' → ('enrichment', 'company', 'size')."""
    return tuple(path.split("."))
