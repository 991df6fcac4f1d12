"""Checking a start context against the workflow's `context` JSON Schema.

The validator is `jsonschema-rs` (compiled once per schema). It ships in the dev lock today; the product
needs it in `requirements/main.in` — a missing module is reported by name, never silently skipped.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any

from engine.definition.paths import path_parts
from engine.errors import InvalidInput
from engine.json_schemas import compile_schema

__all__ = ["check_context", "schema_at", "schema_problems"]


@lru_cache(maxsize=512)
def _validator(schema_text: str) -> Any:
    try:
        import jsonschema_rs  # noqa: PLC0415 - optional until it is in the main requirements
    except ImportError as exc:  # pragma: no cover - present wherever the tests run
        raise InvalidInput(
            "checking a context needs the package 'jsonschema-rs' (pip install jsonschema-rs)"
        ) from exc
    try:
        return compile_schema(json.loads(schema_text))  # offline: a `$ref` never reads a file or a URL
    except jsonschema_rs.ValidationError as exc:  # a model built in code skips validation's finding
        reason = exc.message.split("\n", 1)[0]
        raise InvalidInput(f"the context schema cannot check a context: {reason}") from exc


# The validator of each schema object seen (a deployed workflow's schema is one object for as long as its
# compiled workflow lives): its text is not built again on every start. The entry keeps its schema alive, so
# an id is not reused while the entry stands.
_BY_OBJECT: dict[int, tuple[dict[str, Any], Any]] = {}


def _validator_of(schema: dict[str, Any]) -> Any:
    found = _BY_OBJECT.get(id(schema))
    if found is None or found[0] is not schema:
        if len(_BY_OBJECT) >= 512:
            _BY_OBJECT.clear()
        found = _BY_OBJECT[id(schema)] = (schema, _validator(json.dumps(schema, sort_keys=True)))
    return found[1]


def _pointer(path: Any) -> str:
    return "/" + "/".join(str(p) for p in path) if path else "/"


_PLAIN_MEMBERS = frozenset({str, int, bool, type(None)})  # JSON as they are (a float must be finite: asked below)
_STRINGS = frozenset({str})


def _json_only(value: Any, where: str) -> None:
    if type(value) is dict and _PLAIN_MEMBERS.issuperset(map(type, value.values())) and _STRINGS.issuperset(
            map(type, value)):  # most contexts: strings, integers, booleans and nulls under string keys (asked in C)
        return
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput(f"context{where}: {value} is not a JSON number")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInput(f"context{where}: the key {key!r} is not a string")
            _json_only(item, f"{where}/{key}")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _json_only(item, f"{where}/{index}")
        return
    raise InvalidInput(f"context{where}: a {type(value).__name__} is not a JSON value")


def check_context(schema: dict[str, Any], context: Any) -> None:
    """Raise `InvalidInput` naming every place where `context` breaks `schema` (or is not JSON)."""
    if not isinstance(context, dict):
        raise InvalidInput("the context must be a JSON object")
    _json_only(context, "")
    errors = schema_problems(schema, context)
    if errors:
        raise InvalidInput("the context does not fit the workflow's schema: " + "; ".join(errors))


def schema_problems(schema: dict[str, Any], value: Any) -> list[str]:
    """Where the JSON `value` breaks `schema`: 'pointer: message' each, the first ten. (A value that fits, as
    nearly all do, is answered by one `is_valid`, without the errors' iterator.)"""
    validator = _validator_of(schema)
    if validator.is_valid(value):
        return []
    found = validator.iter_errors(value)
    return [f"{_pointer(list(e.instance_path))}: {e.message}" for _, e in zip(range(10), found, strict=False)]


def schema_at(schema: Any, path: str) -> dict[str, Any] | None:
    """The schema a context schema declares for the value at `path` ('enrichment.company.size' follows
    `properties` down), or None where it declares none."""
    found = schema
    for key in path_parts(path):
        properties = found.get("properties") if isinstance(found, dict) else None
        found = properties.get(key) if isinstance(properties, dict) else None
        if not isinstance(found, dict):
            return None
    return found if isinstance(found, dict) else None
