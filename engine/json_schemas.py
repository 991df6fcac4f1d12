"""JSON Schemas compiled offline. A workflow's context schema (and the parts of it a task's output or an agent's
reply is checked against) is data an analyst writes and anyone may submit to be validated: a `$ref` in it
resolves within it (`#/$defs/money`) and never makes the process read a file or fetch a URL — `file:///etc/…`
or `http://127.0.0.1:…/` would otherwise be read (a viewer's `/api/validate` did), and a deployed version's
checks would depend on what a URL serves that day."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["compile_schema", "outside_refs"]

_REFERENCES = ("$ref", "$dynamicRef", "$recursiveRef")


def compile_schema(schema: Any) -> Any:
    """A `jsonschema_rs` validator for `schema`, whose references outside it fail to compile
    (`jsonschema_rs.ValidationError`, "Retrieval is disabled"). The draft meta-schemas are built in."""
    import jsonschema_rs  # noqa: PLC0415 - compiled only where a schema is declared

    return jsonschema_rs.validator_for(schema, offline=True)


def outside_refs(schema: Any, at: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path to the keyword, its value) of each reference in `schema` that does not start with `#`: what
    `compile_schema` refuses to fetch."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(schema, at)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in _REFERENCES and isinstance(value, str) and not value.startswith("#"):
                    yield (*path, key), value
                elif isinstance(value, dict | list):
                    stack.append((value, (*path, key)))
        elif isinstance(item, list):
            stack.extend((value, (*path, index)) for index, value in enumerate(item) if isinstance(value, dict | list))
