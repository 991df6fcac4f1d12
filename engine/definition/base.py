"""The shared base of every definition model: frozen, strict about unknown fields, documented."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from engine.definition.lifecycle_events import check_event_type

__all__ = ["EVENT_TYPE_PATTERN", "EventType", "Expression", "Identifier", "Model"]

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
EVENT_TYPE_PATTERN = r"^[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z_][A-Za-z0-9_\-]*)*$"  # an identifier, or dotted ones
EventType = Annotated[
    str,
    Field(
        pattern=EVENT_TYPE_PATTERN,
        max_length=128,
        description="An event type: an identifier, or dotted identifiers such as 'statewright.instance.finished' "
                    "(the 'statewright.' prefix is reserved for the engine's own lifecycle events).",
    ),
    AfterValidator(check_event_type),
]
Expression = Annotated[
    str,
    Field(min_length=1, max_length=4000, description="A CEL expression (Common Expression Language)."),
]


class Model(BaseModel):
    """Definitions are values: frozen, and any field the format does not know is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
