"""What a workflow's context schema says about a path an expression reads: the JSON types of the value there, and,
for an object, the names of its fields when the schema lists them all.

The schema is followed down `properties` (a member) and `items` (an index into a list), through local `$ref`s
(`#/$defs/vendor`). Wherever the schema could say more than this reading follows — `allOf`, `anyOf`, `oneOf`,
`if`, a `$ref` beside other keywords, `patternProperties` — it is taken to say nothing: the checks built on it
report only what the schema declares for certain.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = [
    "closed_names",
    "declared_below",
    "declared_types",
    "listed_fields",
    "names_with_listed_fields",
    "schema_at",
    "schemas_below",
]

_JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "null", "object", "array"})
# keywords beside which `properties` may not be the whole list of an object's fields
_MORE_FIELDS = ("patternProperties", "allOf", "anyOf", "oneOf", "if", "then", "else", "dependentSchemas",
                "$dynamicRef", "$ref")
# keywords that only annotate, so a `$ref` beside them still means just its target
_ANNOTATIONS = frozenset({"$ref", "description", "title", "$comment", "default", "examples", "deprecated",
                          "readOnly", "writeOnly"})


def _resolved(schema: Any, root: Any, hops: int = 16) -> Any:
    """`schema`, or the schema its local `$ref` points to when the `$ref` is all it says; None for a `$ref` that
    leads nowhere (the `invalid-context-schema` check reports it)."""
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and _ANNOTATIONS.issuperset(schema):
        reference: str = schema["$ref"]
        if hops == 0 or not reference.startswith("#"):
            return None
        hops -= 1
        schema = root
        for escaped in filter(None, reference[1:].split("/")):
            token = escaped.replace("~1", "/").replace("~0", "~")
            schema = schema.get(token) if isinstance(schema, dict) else None
    return schema


def schema_at(root: Any, parts: tuple[str | int, ...]) -> Any:
    """The schema the context schema `root` declares at a path (a field name follows `properties`, an index
    `items`), or None where it declares nothing there."""
    schema = _resolved(root, root)
    for part in parts:
        if not isinstance(schema, dict):
            return None
        if isinstance(part, int):
            schema = schema.get("items")
        else:
            properties = schema.get("properties")
            schema = properties.get(part) if isinstance(properties, dict) else None
        schema = _resolved(schema, root)
    return schema if isinstance(schema, dict) else None


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return "array" if isinstance(value, list) else "object"


def declared_types(schema: Any) -> tuple[str, ...] | None:
    """The JSON types a value declared by `schema` can have — its `type`, else those of its `enum` or `const`
    values — in the order declared; None when the schema does not say."""
    if not isinstance(schema, dict):
        return None
    declared = schema.get("type")
    if isinstance(declared, str):
        declared = [declared]
    if isinstance(declared, list):
        types = tuple(dict.fromkeys(t for t in declared if isinstance(t, str)))
        return types if types and _JSON_TYPES.issuperset(types) else None
    if "const" in schema:
        return (_type_of(schema["const"]),)
    values = schema.get("enum")
    if isinstance(values, list) and values:
        return tuple(dict.fromkeys(map(_type_of, values)))
    return None


def listed_fields(schema: Any) -> tuple[str, ...] | None:
    """The names of all the fields an object declared by `schema` may have, when the schema lists them: it has
    `properties` (at least one) and does not let other fields in (`additionalProperties` true or a schema, or
    any keyword that can add fields). None otherwise."""
    if not isinstance(schema, dict):
        return None
    properties = schema.get("properties")
    types = declared_types(schema)
    if not isinstance(properties, dict) or not properties or (types is not None and "object" not in types):
        return None
    if schema.get("additionalProperties", False) is not False or schema.get("unevaluatedProperties",
                                                                              False) is not False:
        return None
    if any(keyword in schema for keyword in _MORE_FIELDS):
        return None
    return tuple(map(str, properties))


def closed_names(root: Any) -> frozenset[str] | None:
    """The only top-level names a start context can have, when the context schema says so outright —
    `additionalProperties: false`, beside which only its `properties` let names in (no `patternProperties`; no other
    keyword can let in what `additionalProperties` refuses) — so that a name outside them is never there unless a
    step sets it. None for a schema that lets other names in, or does not say (`listed_fields` reads a missing
    `additionalProperties` as closed, for a warning; this is read for an error)."""
    schema = schema_at(root, ())
    if schema is None or schema.get("additionalProperties") is not False or "patternProperties" in schema:
        return None
    properties = schema.get("properties")
    return frozenset(map(str, properties)) if isinstance(properties, dict) else frozenset()


def schemas_below(schema: Any, root: Any) -> Iterator[dict[str, Any]]:
    """`schema` and every schema below it that `schema_at` can reach (`properties`, `items`), `$ref`s followed;
    each once (a recursive `$ref` leads back to one already seen)."""
    pending, seen = [schema], set()
    while pending:
        found = _resolved(pending.pop(), root)
        if not isinstance(found, dict) or id(found) in seen:
            continue
        seen.add(id(found))
        yield found
        properties = found.get("properties")
        below = [*properties.values()] if isinstance(properties, dict) else []
        pending.extend([*below, found.get("items")])


def _top_level(root: Any) -> dict[str, Any]:
    schema = schema_at(root, ())
    properties = schema.get("properties") if schema is not None else None
    return {str(name): sub for name, sub in properties.items()} if isinstance(properties, dict) else {}


def declared_below(root: Any) -> dict[str, list[dict[str, Any]]]:
    """By top-level name the context schema declares, the schemas at and below it (see `schemas_below`)."""
    return {name: list(schemas_below(sub, root)) for name, sub in _top_level(root).items()}


def names_with_listed_fields(root: Any) -> frozenset[str]:
    """The top-level context names below which the schema lists an object's fields: the only names whose paths
    `listed_fields` can say anything about."""
    return frozenset(name for name, below in declared_below(root).items()
                     if any(listed_fields(schema) is not None for schema in below))
