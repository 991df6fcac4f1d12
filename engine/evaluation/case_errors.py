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

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.runtime.views import HistoryEntry, InstanceView
from engine.statuses import InstanceStatus

__all__ = ["REDACTED", "CaseError", "case_error", "case_error_from", "redact", "secrets_in"]

REDACTED = "[redacted]"
MAX_MESSAGE = 500  # characters of the one-line message; the rest is cut with an ellipsis
_SHORTEST_SECRET = 8  # a shorter environment value ('1', 'true', 'dev') would redact ordinary words
_SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL", re.IGNORECASE)
_NAMES = (r"(?:api|access|secret|private|client|subscription)[_-]?key|apikey|(?:access|refresh|auth|id|session|api)"
          r"[_-]?token|token|client[_-]?secret|secret|password|passwd|pwd|authorization|x-api-key")
_SHAPES = (
    # `Authorization: Bearer sk-…`, `bearer abc.def`
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), rf"\1 {REDACTED}"),
    # a password in a URL: https://user:secret@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+):[^/\s@]+@"), rf"\1:{REDACTED}@"),
    # `api_key=…`, `"token": "…"`, `password: …`, `?key=…` (JSON quoted or escaped in a quoted body)
    (re.compile(rf"(?i)(?<![a-z0-9_-])({_NAMES}|(?<=[?&])key)(\\?[\"']?\s*[:=]\s*\\?[\"']?)"
                rf"(?!\[redacted\]|(?:bearer|basic)\s)[^\s\"'\\&,;}}]{{4,}}"), rf"\1\2{REDACTED}"),
    # keys by their prefix: OpenAI-style sk-…, Statewright API tokens sw_…, GitHub ghp_…, Slack xox…-
    (re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}|\bsw_[A-Za-z0-9_-]{16,}|\bgh[pousr]_[A-Za-z0-9]{20,}"
                r"|\bxox[abpr]-[A-Za-z0-9-]{10,}"), REDACTED),
)


@dataclass(frozen=True, slots=True)
class CaseError:
    kind: str  # the error's kind: 'unavailable', 'timeout', 'llm_malformed', 'validation', …
    message: str  # one line, secrets redacted
    state: str | None  # the state it happened in (a task's), when known

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "state": self.state}


def secrets_in(environ: Mapping[str, str]) -> list[str]:
    """The values of the environment variables whose names say they hold a secret (…_API_KEY, …_TOKEN, …)."""
    return [value for name, value in environ.items()
            if _SECRET_NAME.search(name) and len(value.strip()) >= _SHORTEST_SECRET]


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with each of `secrets`, and anything shaped like a key, a token or a password, replaced."""
    for secret in sorted({s.strip() for s in secrets if len(s.strip()) >= _SHORTEST_SECRET}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    for shape, replacement in _SHAPES:
        text = shape.sub(replacement, text)
    return text


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
