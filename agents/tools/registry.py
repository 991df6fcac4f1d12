"""The tool registry: dotted tool names (`crm.contacts.search`) bound to the callables that implement them.

Every tool takes keyword parameters and returns a JSON object (a dict), so a rules handler, an LLM's tool call
and a recorded step all see the same shape. Parameters are checked against the callable's signature before the
call: a wrong or missing parameter is a `validation` error naming the tool, never a stray TypeError; a failure the
registry's `unanswered` recognises (the system behind the tool did not answer) is the tool's `unavailable`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from agents.tools.errors import ToolError, UnknownTool

__all__ = ["Tool", "ToolFunction", "ToolRegistry", "Unanswered"]

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


class ToolRegistry:
    """Names to tools. Unknown names fail with `UnknownTool`, which lists the system's tools that do exist."""

    def __init__(self, *, unanswered: Unanswered | None = None) -> None:
        self._tools: dict[str, Tool] = {}
        self._unanswered = unanswered

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
        try:
            return tool.function(**given)
        except Exception as exc:
            reason = None if self._unanswered is None or isinstance(exc, ToolError) else self._unanswered(exc)
            if reason is None:
                raise
            raise ToolError(name, "unavailable", reason) from exc
