"""A `context` that is no JSON Schema (`{"type": "obejct"}`, `{"required": "amount"}`): the model takes any
object there, so such a workflow validated clean, deployed, and then refused every start with a validator's
error. The schema is compiled as a start compiles it (`jsonschema-rs`), and what the compiler refuses is a
finding at the place in the schema it names."""

from __future__ import annotations

from typing import Any

from engine.definition import Workflow
from engine.json_schemas import compile_schema, outside_refs
from engine.validation.checks._report import error
from engine.validation.findings import Finding, pointer

__all__ = ["context_schema_finding", "find_invalid_context_schema"]


def context_schema_finding(exc: Any) -> Finding:
    """The finding for what the schema compiler refused (a `jsonschema_rs.ValidationError`), at its place."""
    place = pointer("context", *exc.instance_path)
    message = " ".join(exc.message.split())
    return error("invalid-context-schema", f"The context schema is not a JSON Schema a context can be checked "
                 f"against ({message} at {place}): no instance could start.", place)


def find_invalid_context_schema(workflow: Workflow) -> list[Finding]:
    """Each reference out of the context schema (a file, a URL: never read), else its first problem, if it cannot
    check a context."""
    if not workflow.context:
        return []
    outside = [error("invalid-context-schema", f"The context schema refers to '{target}' outside itself: a `$ref` "
                     "may point only within the schema (`#/$defs/...`), so that checking a context never reads a "
                     "file or fetches a URL. Copy what it refers to under `$defs` and point there.",
                     pointer("context", *path))
               for path, target in outside_refs(workflow.context)]
    if outside:
        return outside
    import jsonschema_rs  # noqa: PLC0415 - compiled only for a workflow that declares a schema

    try:
        compile_schema(workflow.context)
    except jsonschema_rs.ValidationError as exc:
        return [context_schema_finding(exc)]
    return []
