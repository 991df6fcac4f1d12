"""The JSON types a context schema gives to paths, and a schema built from the types an import learned."""

from __future__ import annotations

from typing import Any

from engine.interop.asl_paths import BadPath, parse_reference

__all__ = ["schema_with_types", "types_of_schema"]

_ASL_KIND = {"string": "String", "number": "Numeric", "integer": "Numeric", "boolean": "Boolean"}
_JSON_TYPE = {"String": "string", "Numeric": "number", "Boolean": "boolean"}


def types_of_schema(schema: dict[str, Any]) -> dict[str, str]:
    """`{"properties": {"a": {"type": "number"}}}` → {"$.a": "Numeric"} (nested objects included)."""
    found: dict[str, str] = {}

    def walk(node: Any, prefix: str) -> None:
        if not isinstance(node, dict):
            return
        for key, sub in (node.get("properties") or {}).items():
            here = f"{prefix}.{key}"
            if isinstance(sub, dict) and isinstance(sub.get("type"), str) and sub["type"] in _ASL_KIND:
                found[here] = _ASL_KIND[sub["type"]]
            walk(sub, here)

    walk(schema, "$")
    return found


def schema_with_types(learned: dict[str, str]) -> dict[str, Any]:
    """A context schema declaring what an import learned: `$.a.b` Numeric → a.properties.b.type number."""
    schema: dict[str, Any] = {"type": "object"}
    for reference, kind in sorted(learned.items()):
        try:
            parts = parse_reference(reference).parts
        except BadPath:
            continue
        if not parts or any(isinstance(p, int) for p in parts):
            continue
        node = schema
        for part in parts[:-1]:
            node = node.setdefault("properties", {}).setdefault(str(part), {"type": "object"})
        node.setdefault("properties", {})[str(parts[-1])] = {"type": _JSON_TYPE[kind]}
    return schema
