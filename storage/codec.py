"""JSON as the tables keep it: compact text, decoded back to plain Python values."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["dump", "dump_optional", "load", "load_optional"]

_decode = json.JSONDecoder().decode


def _unknown(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _encoder() -> Any:
    """`json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode`, less the
    Python layer that builds a new C encoder on every call (half the cost of encoding a small context).
    No circular-reference check: values here come from JSON or from `json_value`, which cannot be cyclic."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator (another interpreter): the standard path
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
    encode = make(None, _unknown, json.encoder.encode_basestring, None, ":", ",", False, False, False)

    def dump(value: Any) -> str:
        if isinstance(value, str):
            return json.encoder.encode_basestring(value)
        return "".join(encode(value, 0))

    return dump


dump: Callable[[Any], str] = _encoder()
"""JSON text of `value`: compact, not ASCII-escaped, NaN and infinities refused (ValueError)."""


def dump_optional(value: Any) -> str | None:
    return None if value is None else dump(value)


def load(text: str) -> Any:
    return _decode(text)


def load_optional(text: str | None) -> Any:
    return None if text is None else _decode(text)
