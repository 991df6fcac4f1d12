"""Where approval notices go, from settings (the environment): an SMTP server and the approvers' addresses, a
webhook and its signing secret, and the designer's address for the links. Nothing configured: no notices."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["NotificationSettings", "SlackSettings", "SmtpSettings", "WebhookSettings", "shown_url"]


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    sender: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout_s: float = 10.0


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    url: str
    secret: str
    timeout_s: float = 10.0


@dataclass(frozen=True, slots=True)
class SlackSettings:
    url: str  # a Slack incoming webhook
    timeout_s: float = 10.0


@dataclass(frozen=True, slots=True)
class NotificationSettings:
    """`users` and `roles` map approvers to email addresses (a user id that is an address needs no entry)."""

    email: SmtpSettings | None = None
    webhook: WebhookSettings | None = None
    slack: SlackSettings | None = None
    users: Mapping[str, str] = field(default_factory=dict)
    roles: Mapping[str, list[str]] = field(default_factory=dict)
    designer_url: str | None = None
    max_attempts: int = 8

    @property
    def channels(self) -> list[str]:
        return [name for name, on in (("email", self.email), ("webhook", self.webhook), ("slack", self.slack))
                if on is not None]

    def addresses(self, assignees: list[tuple[str, str]]) -> list[str]:
        """The email addresses of approvers given as (kind, name): users by the map or as addresses, roles by
        the map; each once, in order."""
        found: list[str] = []
        for kind, name in assignees:
            if kind == "user":
                address = self.users.get(name) or (name if "@" in name else None)
                found += [address] if address else []
            else:
                found += self.roles.get(name, [])
        return list(dict.fromkeys(found))

    def target(self, channel: str, to: str) -> str:
        """Where a delivery on `channel` goes, for a log line: the email's address, the webhook's host and path, the
        Slack webhook's host (its path is its secret); never a query string or a password."""
        if channel == "email":
            return f"email to {to}"
        if channel == "webhook" and self.webhook is not None:
            return f"webhook to {shown_url(self.webhook.url)}"
        if channel == "slack" and self.slack is not None:
            return f"Slack to {shown_url(self.slack.url, path=False)}"
        return f"{channel}{f' to {to}' if to else ''} (not configured in this worker)"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> NotificationSettings | None:
        """STATEWRIGHT_SMTP_HOST with STATEWRIGHT_SMTP_FROM (and _PORT, _USER, _PASSWORD, _STARTTLS),
        STATEWRIGHT_APPROVER_EMAILS (a JSON file {"users": {id: address}, "roles": {role: [address]}}),
        STATEWRIGHT_NOTIFY_WEBHOOK_URL with STATEWRIGHT_NOTIFY_WEBHOOK_SECRET, STATEWRIGHT_NOTIFY_SLACK_URL (a Slack
        incoming webhook), STATEWRIGHT_DESIGNER_URL,
        STATEWRIGHT_NOTIFY_MAX_ATTEMPTS. None when no channel is set; ValueError naming a bad setting."""
        values = os.environ if env is None else env
        email, webhook, slack = _smtp(values), _webhook(values), _slack(values)
        if email is None and webhook is None and slack is None:
            return None
        users, roles = _directory(values.get("STATEWRIGHT_APPROVER_EMAILS"))
        attempts = _number(values, "STATEWRIGHT_NOTIFY_MAX_ATTEMPTS", "8", int)
        if attempts < 1:
            raise ValueError("STATEWRIGHT_NOTIFY_MAX_ATTEMPTS must be at least 1")
        designer = (values.get("STATEWRIGHT_DESIGNER_URL") or "").rstrip("/") or None
        return cls(email=email, webhook=webhook, slack=slack, users=users, roles=roles, designer_url=designer,
                   max_attempts=attempts)


def shown_url(url: str, *, path: bool = True) -> str:
    """An http(s) URL as a log line may show it: its host (and port) and, with `path`, its path — not its scheme,
    user, password, query or fragment, where a secret may be."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    where = f"[{host}]" if ":" in host else host
    where += f":{parts.port}" if parts.port is not None else ""
    return where + (parts.path if path else "")


def _number(values: Mapping[str, str], name: str, default: str, kind: type[Any]) -> Any:
    try:
        return kind(values.get(name) or default)
    except ValueError as exc:
        raise ValueError(f"{name} is not a number: {values.get(name)!r}") from exc


def _smtp(values: Mapping[str, str]) -> SmtpSettings | None:
    host = values.get("STATEWRIGHT_SMTP_HOST")
    if not host:
        return None
    sender = values.get("STATEWRIGHT_SMTP_FROM")
    if not sender:
        raise ValueError("STATEWRIGHT_SMTP_HOST is set but STATEWRIGHT_SMTP_FROM (the sender's address) is not")
    starttls = (values.get("STATEWRIGHT_SMTP_STARTTLS") or "0").strip().lower() in ("1", "true", "yes", "on")
    return SmtpSettings(host=host, sender=sender, port=_number(values, "STATEWRIGHT_SMTP_PORT", "25", int),
                        username=values.get("STATEWRIGHT_SMTP_USER") or None,
                        password=values.get("STATEWRIGHT_SMTP_PASSWORD") or None, starttls=starttls)


def _webhook(values: Mapping[str, str]) -> WebhookSettings | None:
    url = values.get("STATEWRIGHT_NOTIFY_WEBHOOK_URL")
    if not url:
        return None
    _http_url("STATEWRIGHT_NOTIFY_WEBHOOK_URL", url)
    secret = values.get("STATEWRIGHT_NOTIFY_WEBHOOK_SECRET")
    if not secret:
        raise ValueError("STATEWRIGHT_NOTIFY_WEBHOOK_URL is set but STATEWRIGHT_NOTIFY_WEBHOOK_SECRET (the signing "
                         "key) is not")
    return WebhookSettings(url=url, secret=secret)


def _http_url(name: str, url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{name} must be an http(s) URL, not {url!r}")
    return url


def _slack(values: Mapping[str, str]) -> SlackSettings | None:
    url = values.get("STATEWRIGHT_NOTIFY_SLACK_URL")
    return None if not url else SlackSettings(url=_http_url("STATEWRIGHT_NOTIFY_SLACK_URL", url))


def _directory(path: str | None) -> tuple[dict[str, str], dict[str, list[str]]]:
    if not path:
        return {}, {}
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"STATEWRIGHT_APPROVER_EMAILS: cannot read {path}: {exc}") from exc
    users = document.get("users", {}) if isinstance(document, dict) else None
    roles = document.get("roles", {}) if isinstance(document, dict) else None
    if not (isinstance(users, dict) and all(isinstance(v, str) for v in users.values())
            and isinstance(roles, dict) and all(isinstance(v, list) and all(isinstance(a, str) for a in v)
                                                for v in roles.values())):
        raise ValueError(f"STATEWRIGHT_APPROVER_EMAILS: {path} must be {{\"users\": {{id: address}}, "
                         f"\"roles\": {{role: [address, ...]}}}}")
    return dict(users), {role: list(addresses) for role, addresses in roles.items()}
