"""Approval notices by email over SMTP (the standard library's client): one message per approver address."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from engine.notifications.notice import ApprovalNotice
from engine.notifications.settings import SmtpSettings

__all__ = ["send_notice_email"]


def send_notice_email(smtp: SmtpSettings, to: str, notice: ApprovalNotice) -> None:
    """Send `notice` to `to`; raises OSError or smtplib.SMTPException when the server does not take it."""
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = to
    message["Subject"] = notice.subject
    message["X-Statewright-Approval"] = str(notice.approval_id)
    message["X-Statewright-Instance"] = notice.instance_id
    message.set_content(notice.text())
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.username:
            client.login(smtp.username, smtp.password or "")
        client.send_message(message)
