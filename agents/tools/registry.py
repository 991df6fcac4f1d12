"""The tool registry: dotted tool names (`crm.contacts.search`) bound to the callables that implement them.

Every tool takes keyword parameters and returns a JSON object (a dict), so a rules handler, an LLM's tool call
and a recorded step all see the same shape. Parameters are checked against the callable's signature before the
call: a wrong or missing parameter is a `validation` error naming the tool, never a stray TypeError, and so is a
value no database column can keep (text with a NUL character, an integer past 64 bits: PostgreSQL refuses the first,
SQLite the second) or one the registry's `refused` recognises as refused by the store; a failure its `unanswered`
recognises (the system behind the tool did not answer) is the tool's `unavailable`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from agents.tools.errors import ToolError, UnknownTool

__all__ = ["Refused", "Tool", "ToolFunction", "ToolRegistry", "Unanswered", "unstorable"]

ToolFunction = Callable[..., dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    function: ToolFunction
    summary: str

    @property
    def parameters(self) -> list[str]:
        return [p for p in inspect.signature(self.function).parameters if p != "self"]


Unanswered = Callable[[Exception], str | None]  # why a failure means the system did not answer, or None
Refused = Callable[[Exception], str | None]  # why a failure means the store refused a value it was given, or None

_INT64 = 2**63  # integers a column holds: -2**63 up to 2**63 - 1


def unstorable(value: Any, where: str) -> str | None:
    """Why a parameter's value cannot be kept by any of the stores (`where` names it), or None."""
    if isinstance(value, str) and "\x00" in value:
        return f"{where} contains a NUL character (\\u0000), which no text field can store"
    if isinstance(value, int) and not isinstance(value, bool) and not -_INT64 <= value < _INT64:
        return f"{where} is an integer too large to store (more than 64 bits)"
    if isinstance(value, dict):
        return next((found for key, item in value.items()
                     if (found := unstorable(key, f"{where}, a key,") or unstorable(item, f"{where}.{key}"))), None)
    if isinstance(value, list | tuple):
        return next((found for i, item in enumerate(value) if (found := unstorable(item, f"{where}[{i}]"))), None)
    return None


class ToolRegistry:
    """Names to tools. Unknown names fail with `UnknownTool`, which lists the system's tools that do exist."""

    def __init__(self, *, unanswered: Unanswered | None = None, refused: Refused | None = None) -> None:
        self._tools: dict[str, Tool] = {}
        self._unanswered = unanswered
        self._refused = refused

    def add(self, name: str, function: ToolFunction, summary: str = "") -> None:
        if name in self._tools:
            raise ValueError(f"the tool '{name}' is registered already")
        doc = summary or (inspect.getdoc(function) or "").split("\n", 1)[0]
        self._tools[name] = Tool(name, function, doc)

    def get(self, name: str) -> Tool:
        found = self._tools.get(name)
        if found is None:
            raise UnknownTool(name, self.names())
        return found

    def names(self) -> list[str]:
        return sorted(self._tools)

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def missing(self, names: Iterable[str]) -> list[str]:
        """Those of `names` no tool answers to (e.g. an agent's `tools` list checked at load)."""
        return sorted({name for name in names if name not in self._tools})

    def call(self, name: str, parameters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        tool = self.get(name)
        given = dict(parameters or {})
        try:
            inspect.signature(tool.function).bind(**given)
        except TypeError as exc:
            raise ToolError(name, "validation", f"bad parameters {sorted(given)}: {exc}") from exc
        problem = next((found for key, value in given.items() if (found := unstorable(value, f"'{key}'"))), None)
        if problem is not None:
            raise ToolError(name, "validation", problem)
        try:
            return tool.function(**given)
        except ToolError:
            raise
        except Exception as exc:
            reason = None if self._refused is None else self._refused(exc)
            if reason is not None:
                raise ToolError(name, "validation", reason) from exc
            reason = None if self._unanswered is None else self._unanswered(exc)
            if reason is None:
                raise
            raise ToolError(name, "unavailable", reason) from exc
