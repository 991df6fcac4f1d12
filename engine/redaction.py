"""Secrets out of text that is kept or shown: a failure's message (a service may echo what it was sent — an API
key, a bearer token, a password in a URL), a URL named in an error.

`redact` hides the values of the secrets it is given (`secrets_in`: the process's secret-looking environment
variables) and whatever has the shape of one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

__all__ = ["REDACTED", "redact", "redact_kept", "secrets_in"]

REDACTED = "[redacted]"
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


def redact_kept(text: str) -> str:
    """`text` redacted of this process's secret environment values (read now: a key set after start-up counts)
    and of secret shapes: for what the engine keeps — a failure's message, which the history, the instance and the
    context carry."""
    return redact(text, secrets_in(os.environ))
