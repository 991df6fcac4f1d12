"""The format's numbers and true/false, taken as written: a definition's `"max_attempts": "3"`, `"jitter":
"false"` or `"max_concurrency": true` is refused, as the committed JSON Schema refuses it, and not converted
(pydantic's lax mode would take "3" as 3, and "false" as false but 1 as true)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, PositiveInt, Strict

__all__ = ["MAX_STORED_WHOLE", "StoredPositive", "StrictFlag", "StrictNumber", "StrictPositive", "StrictWhole"]

# The largest whole number a 32-bit INTEGER column holds (PostgreSQL's `integer`): a definition's whole numbers
# that the tables keep in such a column — its `version`, a pinned subflow or map `version`, an approval's
# `quorum` — are bounded by it, so a definition that validates also deploys and runs on every backend.
MAX_STORED_WHOLE = 2_147_483_647

StrictWhole = Annotated[int, Strict()]
StrictPositive = Annotated[PositiveInt, Strict()]
StrictNumber = Annotated[float, Strict()]  # an integer is a number too
StrictFlag = Annotated[bool, Strict()]
StoredPositive = Annotated[PositiveInt, Strict(), Field(le=MAX_STORED_WHOLE)]
