"""The shared base of every definition model: frozen, strict about unknown fields, documented."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Expression", "Identifier", "Model"]

IDENTIFIER_PATTERN = r"^[A-Za-z_][A-Za-z0-9_\-]*$"
IDENTIFIER_RE = re.compile(IDENTIFIER_PATTERN)

Identifier = Annotated[
    str,
    Field(
        pattern=IDENTIFIER_PATTERN,
        max_length=128,
        description="A name made of letters, digits, '_' and '-', starting with a letter or '_'.",
    ),
]
Expression = Annotated[
    str,
    Field(min_length=1, max_length=4000, description="A CEL expression (Common Expression Language)."),
]


class Model(BaseModel):
    """Definitions are values: frozen, and any field the format does not know is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
