"""Approval notices to a webhook: the notice as a JSON body, POSTed with an HMAC-SHA256 signature over the
timestamp and the body, so the receiver knows it came from this deployment and is not a replay.

    Statewright-Timestamp: 1894881600
    Statewright-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + body)>

A receiver recomputes the signature over the raw body (`verify_signature`) and refuses a timestamp older than
a few minutes. A Slack incoming webhook gets the notice's subject and link as `{"text": ...}` (its URL is the
secret there)."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from engine.notifications.notice import ApprovalNotice
from engine.notifications.settings import SlackSettings, WebhookSettings, shown_url

__all__ = ["SIGNATURE_HEADER", "TIMESTAMP_HEADER", "WebhookRefused", "post_json", "post_notice", "post_slack",
           "signature", "verify_signature"]

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


def post_json(url: str, document: Any, *, timeout_s: float, headers: Callable[[bytes], dict[str, str]] | None = None,
              shown: str | None = None) -> None:
    """POST `document` as JSON (with `headers` computed over the body); raises OSError (WebhookRefused for a
    non-2xx answer, naming the receiver as `shown`: by default its host and path) when it is not taken."""
    body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310 - http(s) only
        "Content-Type": "application/json", "User-Agent": "statewright-notify", **(headers(body) if headers else {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 - checked at load
            response.read()
    except urllib.error.HTTPError as exc:
        raise WebhookRefused(f"{shown or shown_url(url)} answered HTTP {exc.code}") from exc


def post_notice(hook: WebhookSettings, notice: ApprovalNotice, *, now: float) -> None:
    """POST the signed notice to the deployment's webhook."""
    timestamp = int(now)

    def signed(body: bytes) -> dict[str, str]:
        return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(hook.secret, timestamp, body)}

    post_json(hook.url, notice.as_dict(), timeout_s=hook.timeout_s, headers=signed)


def post_slack(slack: SlackSettings, notice: ApprovalNotice) -> None:
    """Post the notice's subject and link to a Slack incoming webhook (`{"text": ...}`)."""
    link = f" <{notice.link}|Open it>" if notice.link else ""
    post_json(slack.url, {"text": f"{notice.subject}.{link}"}, timeout_s=slack.timeout_s,
              shown=shown_url(slack.url, path=False))  # the path of a Slack webhook is its secret
