"""Telling approvers: an approval that opens, escalates or times out is announced through the deployment's
channels — email over SMTP, a signed webhook, a Slack incoming webhook — as outbox jobs the workers deliver and retry
(engine.runtime.approval_notices), never inside the transition."""

from __future__ import annotations

from engine.notifications.notice import ApprovalNotice
from engine.notifications.settings import NotificationSettings, SlackSettings, SmtpSettings, WebhookSettings
from engine.notifications.webhook import signature, verify_signature

__all__ = ["ApprovalNotice", "NotificationSettings", "SlackSettings", "SmtpSettings", "WebhookSettings",
           "signature", "verify_signature"]
