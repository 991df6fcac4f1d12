"""Approval notices to a webhook: the notice as a JSON body, POSTed with an HMAC-SHA256 signature over the
timestamp and the body, so the receiver knows it came from this deployment and is not a replay.

    Statewright-Timestamp: 1894881600
    Statewright-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + body)>

A receiver recomputes the signature over the raw body (`verify_signature`) and refuses a timestamp older than
a few minutes."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from engine.notifications.notice import ApprovalNotice
from engine.notifications.settings import WebhookSettings

__all__ = ["SIGNATURE_HEADER", "TIMESTAMP_HEADER", "WebhookRefused", "post_notice", "signature", "verify_signature"]

TIMESTAMP_HEADER = "Statewright-Timestamp"
SIGNATURE_HEADER = "Statewright-Signature"


class WebhookRefused(OSError):
    """The receiver answered with a status other than 2xx."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def verify_signature(secret: str, timestamp: str, body: bytes, given: str, *, now: float,
                     tolerance_s: float = 300.0) -> bool:
    """Whether `given` signs `body` at `timestamp` with `secret`, and the timestamp is within the tolerance."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    return abs(now - sent) <= tolerance_s and hmac.compare_digest(signature(secret, sent, body), given)


def post_notice(hook: WebhookSettings, notice: ApprovalNotice, *, now: float) -> None:
    """POST the signed notice; raises OSError (WebhookRefused for a non-2xx answer) when it is not taken."""
    body = json.dumps(notice.as_dict(), separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = int(now)
    request = urllib.request.Request(hook.url, data=body, method="POST", headers={  # noqa: S310 - http(s) only
        "Content-Type": "application/json", "User-Agent": "statewright-notify",
        TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(hook.secret, timestamp, body)})
    try:
        with urllib.request.urlopen(request, timeout=hook.timeout_s) as response:  # noqa: S310 - checked at load
            response.read()
    except urllib.error.HTTPError as exc:
        raise WebhookRefused(f"the webhook answered HTTP {exc.code}") from exc
