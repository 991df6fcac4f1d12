"""What a tool call can fail with: a kind the handlers pass on to the engine's retry rules, and the tool's name."""

from __future__ import annotations

__all__ = ["TRANSIENT_KINDS", "ToolError", "UnknownTool"]

# The shipped definitions' convention (docs/definition-format.md): these are retried, the others are not.
TRANSIENT_KINDS = frozenset({"timeout", "rate_limited", "unavailable", "tool_error"})


class ToolError(Exception):
    """A tool call that failed: `kind` is 'not_found', 'validation', 'unavailable', 'tool_error', ..."""

    def __init__(self, tool: str, kind: str, message: str) -> None:
        super().__init__(f"{tool}: {message}")
        self.tool = tool
        self.kind = kind
        self.message = message

    @property
    def retryable(self) -> bool:
        return self.kind in TRANSIENT_KINDS


class UnknownTool(ToolError):
    """A tool name no integration provides (a typo in an agent's `tools`, or a system not connected)."""

    def __init__(self, tool: str, known: list[str]) -> None:
        system = tool.split(".", maxsplit=1)[0]
        close = [name for name in known if name.split(".", maxsplit=1)[0] == system]
        hint = f"; tools of '{system}': {', '.join(close)}" if close else ""
        super().__init__(tool, "unknown_tool", f"no tool is named '{tool}'{hint}")
