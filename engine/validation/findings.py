"""Findings: what validation says about a definition — a stable code, a severity, words and a location."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Finding", "Severity", "escape_pointer", "has_errors", "pointer", "tokens_of"]

Severity = Literal["error", "warning"]


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(description="Stable identifier, e.g. 'dead-end'.")
    severity: Severity
    message: str = Field(description="What is wrong, in words an analyst understands.")
    pointer: str = Field("", description="RFC 6901 JSON pointer into the file ('' is the whole document).")
    states: tuple[str, ...] = Field((), description="Ids of the states at fault.")
    transitions: tuple[int, ...] = Field((), description="Indexes into `transitions` of the edges at fault.")
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.pointer or "/"
        if self.line is not None:
            where += f" (line {self.line}, column {self.column})"
        return f"{self.severity} {self.code} at {where}: {self.message}"


def escape_pointer(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(*tokens: str | int) -> str:
    """pointer('states', 'a/b') → '/states/a~1b'."""
    return "".join("/" + escape_pointer(t) for t in tokens)


_INDEX = re.compile(r"0|[1-9][0-9]*")


def tokens_of(json_pointer: str) -> tuple[str | int, ...]:
    """tokens_of('/states/a~1b/branches/0') → ('states', 'a/b', 'branches', 0): `pointer`'s tokens again, a number
    read as an index (no state id or branch name is one: they begin with a letter or '_')."""
    found: list[str | int] = []
    for escaped in json_pointer.split("/")[1:]:
        token = escaped.replace("~1", "/").replace("~0", "~")
        found.append(int(token) if _INDEX.fullmatch(token) else token)
    return tuple(found)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
