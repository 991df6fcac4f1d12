"""The tool registry: dotted tool names (`crm.contacts.search`) bound to the callables that implement them.

Every tool takes keyword parameters and returns a JSON object (a dict), so a rules handler, an LLM's tool call
and a recorded step all see the same shape. Parameters are checked against the callable's signature before the
call: a wrong or missing parameter is a `validation` error naming the tool, never a stray TypeError.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from agents.tools.errors import ToolError, UnknownTool

__all__ = ["Tool", "ToolFunction", "ToolRegistry"]

ToolFunction = Callable[..., dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    function: ToolFunction
    summary: str

    @property
    def parameters(self) -> list[str]:
        return [p for p in inspect.signature(self.function).parameters if p != "self"]


class ToolRegistry:
    """Names to tools. Unknown names fail with `UnknownTool`, which lists the system's tools that do exist."""

    def __init__(self) -> None:
        self._tools: dict[str, Tool] = {}

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
        return tool.function(**given)
