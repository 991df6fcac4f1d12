"""A task's "ask the user" recovery (the design document's REQUEST_USER_INPUT): when its action fails for good
with one of the named error kinds, the instance does not take the error path at once — it waits in the task for
the requester's reply (an event with a correlation key), stores the reply in the context, and runs the action
again with the reply in its input. No reply within `timeout`: the original error takes the task's error path."""

from __future__ import annotations

from pydantic import Field, model_validator

from engine.definition.base import EventType, Expression, Model
from engine.definition.durations import IsoDuration
from engine.definition.error_kinds import ErrorKind
from engine.definition.lifecycle_events import RESERVED_PREFIX
from engine.definition.paths import ContextPath
from engine.definition.scalars import StrictWhole

__all__ = ["AskUser"]


class AskUser(Model):
    """Ask the requester, then try the task again with their reply."""

    errors: list[ErrorKind] = Field(
        min_length=1, max_length=50,
        description="The error kinds worth asking about, e.g. ['validation', 'not_found']; '*' is every kind.")
    question: Expression | None = Field(
        None, description="CEL giving what the requester is asked (with `error` the failure), e.g. "
                          "\"'We could not find the account ' + account + ': which one do you mean?'\".")
    event: EventType = Field("user_reply", description="The event type of the reply.")
    correlation: Expression | None = Field(
        None, description="CEL computing the key the reply's `correlation_key` must equal; the instance's id "
                          "when absent.")
    timeout: IsoDuration = Field(description="How long to wait for the reply, e.g. PT24H; then the error "
                                             "takes the task's error path.")
    into: ContextPath = Field(
        "user_reply", description="Where the ask is kept in the context ({asks, waiting, error, question, reply}); "
                                  "the retried action's input also gets the reply under the path's last key.")
    max_asks: StrictWhole = Field(1, ge=1, le=5,
                                  description="How many times one task may ask before the error goes on.")

    @model_validator(mode="after")
    def _reply_is_not_a_lifecycle_event(self) -> AskUser:
        if self.event.startswith(RESERVED_PREFIX):
            raise ValueError(f"the reply's event type cannot use the prefix '{RESERVED_PREFIX}' (the engine's own)")
        return self

    def asks_about(self, kind: str) -> bool:
        return "*" in self.errors or kind in self.errors
