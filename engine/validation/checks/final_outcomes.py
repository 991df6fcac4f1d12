"""`unhappy-final-succeeds`: a final state named for an unhappy end ("failed", "timed_out", "containment_rejected")
that ends its instances as a success — the format's default outcome. An analyst who points `error`, `timeout`
and `reject` transitions at a final called `failed` means a failure; without `outcome: failure` every such
instance is listed, counted and reported as succeeded, and redrive treats it as done. Saying `outcome` either way
(`"success"` too, for "rejected, as it should be") answers the warning."""

from __future__ import annotations

import re

from engine.definition import FinalState
from engine.validation.checks._report import warning
from engine.validation.findings import Finding
from engine.validation.graph import Machine

__all__ = ["find_unhappy_finals_that_succeed", "unhappy_word"]

CODE = "unhappy-final-succeeds"

# Words of a state's id or title that name an unhappy end (the designer's inspector says the same: OutcomeChoice)
_UNHAPPY = re.compile(r"^(reject|declin|fail|error|den(y|ie)|cancel|refus|invalid|abort|expir|timeout|timed|lost|"
                      r"withdr[ae]w|unpaid|unresolved)")
_CAMEL = re.compile(r"([a-z])([A-Z])")
_NOT_LETTERS = re.compile(r"[^a-z]+")


def unhappy_word(*names: str | None) -> str | None:
    """The first word of `names` (ids or titles, `snake_case`, `camelCase` or words) that names an unhappy end."""
    for name in names:
        for word in _NOT_LETTERS.split(_CAMEL.sub(r"\1 \2", name or "").lower()):
            if word and _UNHAPPY.match(word):
                return word
    return None


def find_unhappy_finals_that_succeed(machine: Machine) -> list[Finding]:
    found: list[Finding] = []
    for sid, state in machine.states.items():
        if not isinstance(state, FinalState) or "outcome" in state.model_fields_set:
            continue
        word = unhappy_word(sid, state.title)
        if word is None:
            continue
        message = (f"The final state '{sid}' sounds like an unhappy end ('{word}'), yet instances that end here "
                   "succeed: a final's outcome is success unless it says otherwise. Set `\"outcome\": \"failure\"` "
                   "if they did not succeed (they are then listed, counted and reported as failed), or "
                   "`\"outcome\": \"success\"` to say that they did.")
        found.append(warning(CODE, message, machine.state_pointer(sid), states=(sid,)))
    return found
