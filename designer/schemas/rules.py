"""Rules between a body's fields ("exactly one of …", "… goes with …") as JSON Schema, for a model's
`json_schema_extra`: the OpenAPI document then states what the model's validator enforces."""

from __future__ import annotations

from typing import Any

__all__ = ["given", "implies", "set_true"]


def given(name: str) -> dict[str, Any]:
    """The field is there and not null (a null field counts as not given, as the validators treat it)."""
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


def set_true(name: str) -> dict[str, Any]:
    """The boolean field is there and true."""
    return {"required": [name], "properties": {name: {"const": True}}}


def implies(condition: dict[str, Any], consequence: dict[str, Any]) -> dict[str, Any]:
    """When `condition` holds, `consequence` must too."""
    return {"if": condition, "then": consequence}
