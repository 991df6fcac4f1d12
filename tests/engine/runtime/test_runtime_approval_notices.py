"""Approvers are told: an approval that opens, escalates or times out is announced by email (a real SMTP server
on 127.0.0.1) and by a signed webhook (a real HTTP server), delivered by the workers as outbox jobs — retried
when the receiver fails, never holding up the transition. On each database."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from notice_sinks import Hook, Mailbox, free_port, smtp_sink, webhook_sink
from runtime_support import edge, final, workflow
from typer.testing import CliRunner

from engine.cli.runtime_commands import register_runtime_commands
from engine.notifications import (
    NotificationSettings,
    SlackSettings,
    SmtpSettings,
    WebhookSettings,
    verify_signature,
)
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.views import InstanceView
from storage.jobs import JobRecord, JobStore

SECRET = "whsec-test"
DESIGNER = "http://designer.example"
DISCOUNT = workflow(
    {"review": {"type": "approval", "approvers": {"users": ["lena@example.com"], "roles": ["sales_manager"]},
                "quorum": 2, "timeout": "PT2H", "escalation": {"after": "PT1H", "to": {"roles": ["vp"]}},
                "request": {"amount": "amount", "customer": "customer"}},
     "granted": final(), "refused": final("failure")},
    [edge("review", "granted", "approve"), edge("review", "refused", "reject"), edge("review", "refused", "timeout")],
    id="discount")


def settings(smtp_port: int, hook_url: str, **changes: Any) -> NotificationSettings:
    return NotificationSettings(**{
        "email": SmtpSettings(host="127.0.0.1", port=smtp_port, sender="statewright@example.com"),
        "webhook": WebhookSettings(url=hook_url, secret=SECRET),
        "roles": {"sales_manager": ["ann@example.com"], "vp": ["vic@example.com"]},
        "designer_url": DESIGNER, **changes})


@pytest.fixture
def sinks() -> Iterator[tuple[int, Mailbox, str, Hook]]:
    with smtp_sink() as (port, mailbox), webhook_sink() as (url, hook):
        yield port, mailbox, url, hook


def _engine(database_url: str, clock: ManualClock, notifications: NotificationSettings) -> Engine:
    engine = Engine(database_url, clock=clock, rng=random.Random(7), notifications=notifications)
    engine.deploy(DISCOUNT)
    return engine


def _opened(engine: Engine) -> InstanceView:
    """A discount of 1500 for Acme, waiting for its approvers once the workers announced it."""
    run = engine.start("discount", {"amount": 1500, "customer": "Acme"})
    engine.run_until_idle()
    return run


def _deliveries(engine: Engine, instance_id: str) -> list[JobRecord]:
    return [j for j in engine.runtime.read(lambda tx: JobStore(tx).for_instance(instance_id)) if j.kind == "notify"]


def test_an_opened_approval_emails_each_approver_and_calls_the_signed_webhook(
        database_url: str, clock: ManualClock, sinks: tuple[int, Mailbox, str, Hook]) -> None:
    port, mailbox, url, hook = sinks
    with _engine(database_url, clock, settings(port, url)) as engine:
        run = _opened(engine)
        (approval,) = engine.approvals(run.id)
    assert sorted(m["To"] for m in mailbox.messages) == ["ann@example.com", "lena@example.com"]
    for message in mailbox.messages:
        assert message["Subject"] == f"Approval #{approval.id} is waiting for your decision: discount / review"
        assert message["X-Statewright-Approval"] == str(approval.id)
        body = message.get_content()
        assert f"Approval #{approval.id} of instance {run.id}" in body
        assert "amount: 1500" in body
        assert "customer: Acme" in body
        assert f"Open it: {DESIGNER}/instances/{run.id}" in body
        assert "approvals needed: 2" in body
    ((headers, raw),) = hook.calls
    timestamp = headers["statewright-timestamp"]
    assert int(timestamp) == int(clock.now())
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256).hexdigest()
    assert headers["statewright-signature"] == f"v1={expected}"
    assert verify_signature(SECRET, timestamp, raw, headers["statewright-signature"], now=clock.now())
    assert not verify_signature(SECRET, timestamp, raw + b" ", headers["statewright-signature"], now=clock.now())
    assert not verify_signature(SECRET, timestamp, raw, headers["statewright-signature"], now=clock.now() + 301)
    notice = json.loads(raw)
    assert (notice["type"], notice["approval_id"], notice["instance_id"]) == ("approval.requested", approval.id,
                                                                              run.id)
    assert (notice["link"], notice["inbox"]) == (f"{DESIGNER}/instances/{run.id}", f"{DESIGNER}/inbox")
    assert (notice["users"], notice["roles"], notice["request"]) == (["lena@example.com"], ["sales_manager"],
                                                                     {"amount": 1500, "customer": "Acme"})


def test_a_failing_receiver_is_retried_with_backoff_and_never_holds_up_the_flow(
        database_url: str, clock: ManualClock) -> None:
    closed_port = free_port()  # nothing listens there: every email attempt fails
    with webhook_sink(refuse_first=2) as (url, hook), \
            _engine(database_url, clock, settings(closed_port, url, max_attempts=4)) as engine:
        run = _opened(engine)
        assert engine.get(run.id).state == "review"  # the transition committed whatever the receivers did
        for wait in (5, 10, 20):  # the backoff: 5 s, then doubling
            assert {j.status for j in _deliveries(engine, run.id) if j.payload["channel"] == "email"} == {"ready"}
            clock.advance(wait - 0.5)
            engine.run_until_idle()
            assert len(hook.calls) == 1 + (wait > 5) + (wait > 10)  # not yet due: nothing sent
            clock.advance(0.5)
            engine.run_until_idle()
        jobs = {j.payload["channel"] + ":" + j.payload["to"]: j for j in _deliveries(engine, run.id)}
        engine.approve(run.id, actor="lena@example.com")  # the flow goes on meanwhile
    assert len(hook.calls) == 3
    assert hook.taken()[0]["type"] == "approval.requested"
    webhook = jobs["webhook:"]
    assert (webhook.status, webhook.attempt) == ("done", 3)
    for address in ("ann@example.com", "lena@example.com"):
        failed = jobs[f"email:{address}"]
        assert (failed.status, failed.attempt) == ("failed", 4)
        assert failed.last_error["kind"] == "delivery"
        assert "Connection refused" in failed.last_error["message"] or "Errno" in failed.last_error["message"]


def test_every_approvers_decision_is_kept_and_the_quorum_fires_approve(
        database_url: str, clock: ManualClock, sinks: tuple[int, Mailbox, str, Hook]) -> None:
    port, _, url, _ = sinks
    with _engine(database_url, clock, settings(port, url)) as engine:
        run = _opened(engine)
        engine.approve(run.id, actor="lena@example.com", comment="fine by me")
        assert engine.get(run.id).state == "review"  # one of two
        clock.advance(60)
        done = engine.approve(run.id, actor="ann", roles=["sales_manager"], comment="agreed")
        (approval,) = engine.approvals(run.id)
        approved = engine.history(run.id)[-1]
    assert done.state == "granted"
    assert [(d["actor"], d["decision"], d["comment"]) for d in approval.decisions] == [
        ("lena@example.com", "approve", "fine by me"), ("ann", "approve", "agreed")]
    assert approved.payload["approvers"] == ["lena@example.com", "ann"]


def test_an_escalation_and_a_timeout_are_announced_too(database_url: str, clock: ManualClock,
                                                       sinks: tuple[int, Mailbox, str, Hook]) -> None:
    port, mailbox, url, hook = sinks
    with _engine(database_url, clock, settings(port, url)) as engine:
        run = _opened(engine)
        engine.approve(run.id, actor="lena@example.com")
        engine.run_until_idle()
        clock.advance(3600)
        engine.run_until_idle()
        (escalated,) = mailbox.to("vic@example.com")
        assert [m["To"] for m in mailbox.messages if "escalated" in m["Subject"]] == ["vic@example.com"]
        assert "was escalated to you" in escalated["Subject"]
        assert "Decided so far: lena@example.com (approve)." in escalated.get_content()
        clock.advance(3600)
        engine.run_until_idle()
        assert engine.get(run.id).state == "refused"
    timed_out = [m["To"] for m in mailbox.messages if "timed out" in m["Subject"]]
    assert sorted(timed_out) == ["ann@example.com", "lena@example.com", "vic@example.com"]
    assert [n["type"] for n in hook.taken()] == ["approval.requested", "approval.escalated", "approval.timed_out"]
    assert hook.taken()[1]["roles"] == ["sales_manager", "vp"]


def test_a_slack_incoming_webhook_gets_the_subject_and_the_link(database_url: str, clock: ManualClock) -> None:
    with webhook_sink() as (url, slack), _engine(database_url, clock, NotificationSettings(
            slack=SlackSettings(url=url), designer_url=DESIGNER)) as engine:
        run = _opened(engine)
        (approval,) = engine.approvals(run.id)
    assert slack.taken() == [{"text": f"Approval #{approval.id} is waiting for your decision: discount / review. "
                                      f"<{DESIGNER}/instances/{run.id}|Open it>"}]


def test_without_settings_an_approval_is_announced_to_no_one(database_url: str, clock: ManualClock,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("STATEWRIGHT_SMTP_HOST", "STATEWRIGHT_NOTIFY_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    with Engine(database_url, clock=clock) as engine:
        engine.deploy(DISCOUNT)
        run = engine.start("discount", {"amount": 10, "customer": "Acme"})
        engine.run_until_idle()
        jobs = engine.runtime.read(lambda tx: JobStore(tx).for_instance(run.id))
    assert [(j.kind, j.status) for j in jobs] == [("approval_notice", "done")]


def test_settings_come_from_the_environment_and_a_bad_one_is_named(tmp_path: Path) -> None:
    assert NotificationSettings.from_env({}) is None
    directory = tmp_path / "approvers.json"
    directory.write_text(json.dumps({"users": {"lena": "lena@example.com"}, "roles": {"vp": ["vic@example.com"]}}))
    found = NotificationSettings.from_env({
        "STATEWRIGHT_SMTP_HOST": "mail.internal", "STATEWRIGHT_SMTP_PORT": "2525",
        "STATEWRIGHT_SMTP_FROM": "approvals@example.com", "STATEWRIGHT_SMTP_STARTTLS": "1",
        "STATEWRIGHT_APPROVER_EMAILS": str(directory), "STATEWRIGHT_DESIGNER_URL": "https://flows.example.com/",
        "STATEWRIGHT_NOTIFY_WEBHOOK_URL": "https://hooks.example.com/a", "STATEWRIGHT_NOTIFY_WEBHOOK_SECRET": "k",
        "STATEWRIGHT_NOTIFY_SLACK_URL": "https://hooks.slack.example/T1/B2",
    })
    assert found is not None
    assert found.channels == ["email", "webhook", "slack"]
    assert found.email == SmtpSettings(host="mail.internal", sender="approvals@example.com", port=2525, starttls=True)
    assert found.designer_url == "https://flows.example.com"
    assert found.addresses([("user", "lena"), ("user", "bob"), ("user", "x@example.com"), ("role", "vp"),
                            ("role", "nobody")]) == ["lena@example.com", "x@example.com", "vic@example.com"]
    for bad, named in (
            ({"STATEWRIGHT_SMTP_HOST": "mail.internal"}, "STATEWRIGHT_SMTP_FROM"),
            ({"STATEWRIGHT_NOTIFY_WEBHOOK_URL": "https://h.example.com"}, "STATEWRIGHT_NOTIFY_WEBHOOK_SECRET"),
            ({"STATEWRIGHT_NOTIFY_WEBHOOK_URL": "ftp://h", "STATEWRIGHT_NOTIFY_WEBHOOK_SECRET": "k"}, "http(s)"),
            ({"STATEWRIGHT_NOTIFY_SLACK_URL": "hooks.slack.example"}, "STATEWRIGHT_NOTIFY_SLACK_URL"),
            ({"STATEWRIGHT_SMTP_HOST": "m", "STATEWRIGHT_SMTP_FROM": "a@b", "STATEWRIGHT_SMTP_PORT": "x"}, "PORT"),
            ({"STATEWRIGHT_SMTP_HOST": "m", "STATEWRIGHT_SMTP_FROM": "a@b",
              "STATEWRIGHT_APPROVER_EMAILS": str(tmp_path / "missing.json")}, "cannot read")):
        with pytest.raises(ValueError, match=named.replace("(", r"\(").replace(")", r"\)")):
            NotificationSettings.from_env(bad)


def test_a_worker_with_a_bad_notification_setting_stops_with_one_line(tmp_path: Path) -> None:
    app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
    register_runtime_commands(app)
    result = CliRunner().invoke(app, ["worker", "--db", f"sqlite:///{tmp_path / 'w.db'}"],
                                env={"STATEWRIGHT_SMTP_HOST": "mail.internal", "STATEWRIGHT_SMTP_FROM": ""})
    assert result.exit_code == 2
    assert "STATEWRIGHT_SMTP_FROM" in result.output
    assert "Traceback" not in result.output


def test_a_delivery_whose_lease_another_worker_took_is_not_sent_twice(
        database_url: str, clock: ManualClock, sinks: tuple[int, Mailbox, str, Hook]) -> None:
    port, mailbox, url, hook = sinks
    with _engine(database_url, clock, settings(port, url)) as engine:
        engine.start("discount", {"amount": 1500, "customer": "Acme"})
        slow, quick = engine.worker(owner="slow"), engine.worker(owner="quick")
        slow.execute(slow.claim())  # the approval_notice job: expanded into three deliveries
        held = slow.claim()  # ... which the slow worker claims, then sits on past their lease
        assert sorted(c.job.kind for c in held) == ["notify", "notify", "notify"]
        clock.advance(engine.runtime.lease_s + 1)
        quick.execute(quick.claim())
        slow.execute(held)
    assert sorted(m["To"] for m in mailbox.messages) == ["ann@example.com", "lena@example.com"]
    assert len(hook.calls) == 1
