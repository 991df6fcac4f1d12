"""Function-tool declarations for a model, typed from the tools' own signatures.

Each parameter's JSON Schema comes from its annotation (`list[str]` is an array of strings, `int | None` an
optional integer), its description from the tool's docstring where it names the parameter. Parameters the
engine supplies itself — the idempotency key that keeps a retried attempt from repeating a side effect, and the
tenant — are never offered to the model.
"""

from __future__ import annotations

import inspect
import typing
from typing import Any

from pydantic import TypeAdapter

from agents.tools import ToolRegistry

__all__ = ["ENGINE_PARAMETERS", "function_tool", "takes_idempotency_key", "takes_tenant", "tool_function_name"]

# supplied by the executor, never by the model
ENGINE_PARAMETERS = frozenset({"idempotency_key", "tenant"})


def tool_function_name(tool: str) -> str:
    """A dotted tool name in the form function names allow (`[a-zA-Z0-9_-]`)."""
    return tool.replace(".", "__")


def _parameter_schema(annotation: Any) -> dict[str, Any]:
    if annotation is inspect.Parameter.empty:
        return {}
    try:
        schema = TypeAdapter(annotation).json_schema()
    except Exception:  # noqa: BLE001 - an annotation pydantic cannot describe: offer it untyped
        return {}
    schema.pop("title", None)
    return schema


def function_tool(registry: ToolRegistry, name: str) -> dict[str, Any]:
    """The OpenAI-style `{"type": "function", ...}` declaration of the tool `name`."""
    tool = registry.get(name)
    signature = inspect.signature(tool.function)
    try:
        hints = typing.get_type_hints(tool.function)
    except Exception:  # noqa: BLE001 - unresolvable annotations: fall back to untyped parameters
        hints = {}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for pname, param in signature.parameters.items():
        if pname == "self" or pname in ENGINE_PARAMETERS or param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
            continue
        schema = _parameter_schema(hints.get(pname, param.annotation))
        if param.default is inspect.Parameter.empty:
            required.append(pname)
        elif param.default is not None:
            schema.setdefault("default", param.default)
        properties[pname] = schema
    return {"type": "function", "function": {
        "name": tool_function_name(name), "description": tool.summary or name,
        "parameters": {"type": "object", "properties": properties, "required": required,
                       "additionalProperties": False}}}


def takes_idempotency_key(registry: ToolRegistry, name: str) -> bool:
    """Whether the tool records a side effect under a caller's key (every write tool does)."""
    return "idempotency_key" in registry.get(name).parameters


def takes_tenant(registry: ToolRegistry, name: str) -> bool:
    """Whether the tool acts within a tenant (publishing, starting a workflow, reading a budget): it is given the
    task's."""
    return "tenant" in registry.get(name).parameters
