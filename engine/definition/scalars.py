"""The format's numbers and true/false, taken as written: a definition's `"max_attempts": "3"`, `"jitter":
"false"` or `"max_concurrency": true` is refused, as the committed JSON Schema refuses it, and not converted
(pydantic's lax mode would take "3" as 3, and "false" as false but 1 as true)."""

from __future__ import annotations

from typing import Annotated

from pydantic import PositiveInt, Strict

__all__ = ["StrictFlag", "StrictNumber", "StrictPositive", "StrictWhole"]

StrictWhole = Annotated[int, Strict()]
StrictPositive = Annotated[PositiveInt, Strict()]
StrictNumber = Annotated[float, Strict()]  # an integer is a number too
StrictFlag = Annotated[bool, Strict()]
