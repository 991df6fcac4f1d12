"""What the shipped actions' input schemas are made of. Each handler module's `INPUTS` says, as a JSON Schema per
action, what its handler reads from `request.input`; `register` gives each to the engine with its handler, so a task
that does not give its action what it needs is refused when it is deployed (`action-input-mismatch`), and an input
that does not fit fails its task with kind `validation` before the handler is called.

- `required`: the keys a handler cannot work without: those it reads with no default, and those whose default it
  would act on as though it were the real thing (a CRM search for the email "", a Slack alert about no breaches).
- Every other key is optional and may be null: `AgentRun.arg` reads null as absent.
- The types are what the handler accepts, no narrower: a count it passes through `int()` may come as "30", a value it
  only writes into a text or hands back may be anything.
- No schema forbids other keys: the flows give actions more than they read (`publish_lead_qualified` publishes its
  whole input).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "Schema",
    "anything",
    "identifier",
    "integer",
    "json_object",
    "list_of",
    "nullable",
    "number",
    "takes",
    "text",
    "whole_number",
]

Schema = dict[str, Any]

_INTEGER_TEXT = r"^\s*[-+]?\d+\s*$"  # what int() reads from a string
_NUMBER_TEXT = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"  # what float() reads from a string (but inf, nan)


def takes(properties: Mapping[str, Schema], *, required: Sequence[str] = ()) -> Schema:
    """An action's input: an object with these keys, `required` among them; the others may also be null."""
    unknown = [key for key in required if key not in properties]
    if unknown:
        raise ValueError(f"required keys without a schema: {', '.join(unknown)}")
    return {"type": "object", "required": list(required),
            "properties": {key: schema if key in required else nullable(schema) for key, schema in properties.items()}}


def nullable(schema: Schema) -> Schema:
    """`schema`, null allowed too."""
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    if isinstance(kind, list) and "null" not in kind:
        return {**schema, "type": [*kind, "null"]}
    return schema  # no type: anything, null included


def text(about: str, **more: Any) -> Schema:
    return {"type": "string", "description": about, **more}


def identifier(about: str) -> Schema:
    """An id the handler reads with `str()`: a number will do."""
    return {"type": ["string", "integer"], "description": about}


def integer(about: str) -> Schema:
    return {"type": "integer", "description": about}


def whole_number(about: str) -> Schema:
    """A number the handler reads with `int()`: a string of digits will do."""
    return {"anyOf": [{"type": "number"}, {"type": "string", "pattern": _INTEGER_TEXT}], "description": about}


def number(about: str) -> Schema:
    """A number the handler reads with `float()`: a string of one will do."""
    return {"anyOf": [{"type": "number"}, {"type": "string", "pattern": _NUMBER_TEXT}], "description": about}


def json_object(about: str, properties: Mapping[str, Schema] | None = None, *, required: Sequence[str] = ()) -> Schema:
    found: Schema = {"type": "object", "description": about}
    if properties:
        found["properties"] = dict(properties)
    if required:
        found["required"] = list(required)
    return found


def list_of(items: Schema, about: str, *, min_items: int = 0) -> Schema:
    found: Schema = {"type": "array", "items": items, "description": about}
    if min_items:
        found["minItems"] = min_items
    return found


def anything(about: str) -> Schema:
    """A value the handler only writes into a text or hands back: any JSON value."""
    return {"description": about}
