"""Why a case's run did not succeed, when an error ended it: the model endpoint answering HTTP 500, a timeout, a
reply that is not JSON, a tool that raised — said in one line a person can act on, its secrets redacted.

The error is the one the run recorded last: the instance's own (an action's error no `error` transition took,
an expression that failed), else the payload of the last `error` transition it took (a task's action that
failed its last attempt, a subflow that failed). A run that succeeded has none, even when a retry or an `error`
transition got it there.

Messages quote what a service answered, and a service may echo what it was sent: an API key, a bearer token, a
password in a URL. `redact` hides the values of the secrets it is given (the evaluating process's secret-looking
environment variables, `secrets_in`) and whatever has the shape of one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.redaction import REDACTED, redact, secrets_in
from engine.runtime.views import HistoryEntry, InstanceView
from engine.statuses import InstanceStatus

__all__ = ["REDACTED", "CaseError", "case_error", "case_error_from", "redact", "secrets_in"]

MAX_MESSAGE = 500  # characters of the one-line message; the rest is cut with an ellipsis


@dataclass(frozen=True, slots=True)
class CaseError:
    kind: str  # the error's kind: 'unavailable', 'timeout', 'llm_malformed', 'validation', …
    message: str  # one line, secrets redacted
    state: str | None  # the state it happened in (a task's), when known

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "state": self.state}


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_MESSAGE else line[: MAX_MESSAGE - 1].rstrip() + "…"


def _said(error: Any) -> Mapping[str, Any] | None:
    return error if isinstance(error, Mapping) and error.get("message") is not None else None


def _recorded(view: InstanceView, history: Sequence[HistoryEntry]) -> tuple[Mapping[str, Any], str | None] | None:
    """The error the run recorded last, with the state it happened in; of an `error` event no transition took
    (the instance's error: 'no transition leaves 'look' on 'error''), the event's own: what failed."""
    own = _said(view.error)
    if own is not None:
        cause = _said(own.get("payload")) if own.get("event") == "error" else None
        return cause or own, view.state
    for entry in reversed(history):
        payload = _said(entry.payload) if entry.event == "error" else None
        if payload is not None:
            return payload, entry.from_state
    return None


def case_error(view: InstanceView, history: Sequence[HistoryEntry], secrets: Iterable[str] = ()) -> CaseError | None:
    """The error that ended a run which did not succeed (None when it succeeded, or no error ended it)."""
    if view.status == InstanceStatus.SUCCEEDED:
        return None
    found = _recorded(view, history)
    if found is None:
        return None
    error, state = found
    return case_error_from(str(error.get("kind") or "error"), str(error["message"]), state, secrets)


def case_error_from(kind: str, message: str, state: str | None, secrets: Iterable[str] = ()) -> CaseError:
    """An error of `kind` in `state`, said in one line with its secrets redacted."""
    return CaseError(_one_line(kind), _one_line(redact(message, secrets)), state)
