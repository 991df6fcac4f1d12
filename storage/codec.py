"""JSON as the tables keep it: compact text, decoded back to plain Python values."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dump", "dump_optional", "load", "load_optional"]

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_decode = json.JSONDecoder().decode


def dump(value: Any) -> str:
    return _encoder.encode(value)


def dump_optional(value: Any) -> str | None:
    return None if value is None else _encoder.encode(value)


def load(text: str) -> Any:
    return _decode(text)


def load_optional(text: str | None) -> Any:
    return None if text is None else _decode(text)
