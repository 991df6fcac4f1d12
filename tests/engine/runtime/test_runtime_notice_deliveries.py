"""A receiver of approval notices that hangs holds back nothing but its own deliveries: they are sent off the
worker's loop, several at once (at most `NOTICE_SLOTS`), each leased as an action in flight is; a worker that stops
releases those still hanging after a moment for the next worker; and the log names each failed delivery's receiver.

An outside run saw 5 one-step tasks take 89 s behind 5 approval webhooks that hung (each send waited out its 10 s
timeout on the worker's loop, one after the other), a SIGTERM take 78 s, and the log name the webhook `''`. The
receiver here is a real HTTP server on 127.0.0.1 that holds every call open until it is made healthy. On each
database."""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from notice_sinks import free_port, webhook_sink
from runtime_support import edge, final, task, workflow

from engine.notifications import NotificationSettings, SlackSettings, SmtpSettings, WebhookSettings
from engine.runtime.clock import ManualClock
from engine.runtime.engine import Engine
from engine.runtime.notice_deliveries import NOTICE_SLOTS
from storage.jobs import JobRecord, JobStore

SECRET = "whsec-test"
SEND_TIMEOUT_S = 30.0  # each call to the hanging receiver: far longer than anything the tests wait for meanwhile
APPROVAL = workflow({"review": {"type": "approval", "approvers": {"roles": ["boss"]}}, "granted": final()},
                    [edge("review", "granted", "approve")], id="approval")
ONE_STEP = workflow({"work": task("quick", output="out"), "done": final()}, [edge("work", "done", "done")],
                    id="one_step")


@dataclass
class HangingHook:
    """Holds every call open, answering none, until `healthy` is set; from then on it takes each new call (204).
    The calls it holds end with a 503 once `let_go` is set."""

    url: str = ""
    healthy: threading.Event = field(default_factory=threading.Event)
    let_go: threading.Event = field(default_factory=threading.Event)
    held: int = 0  # calls held open now
    most_held: int = 0  # the most held open at once
    taken: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hold(self) -> None:
        with self.lock:
            self.held += 1
            self.most_held = max(self.most_held, self.held)
        try:
            self.let_go.wait(60)
        finally:
            with self.lock:
                self.held -= 1


@contextmanager
def hanging_hook() -> Iterator[HangingHook]:
    hook = HangingHook()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if hook.healthy.is_set():
                with hook.lock:
                    hook.taken.append(json.loads(body))
                status = 204
            else:
                hook.hold()
                status = 503
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/approvals"
    try:
        yield hook
    finally:
        hook.let_go.set()
        server.shutdown()
        server.server_close()


def _engine(database_url: str, hook: HangingHook, **options: Any) -> Engine:
    engine = Engine(database_url, rng=random.Random(7), notifications=NotificationSettings(
        webhook=WebhookSettings(url=hook.url, secret=SECRET, timeout_s=SEND_TIMEOUT_S)), **options)
    engine.register("quick", lambda request: {"ok": True})
    engine.deploy(APPROVAL)
    engine.deploy(ONE_STEP)
    return engine


def _until(check: Callable[[], bool], what: str, within_s: float = 30.0) -> None:
    """Wait for `check` to hold: a generous bound for a machine under load, not a measure of speed."""
    deadline = time.monotonic() + within_s
    while not check():
        assert time.monotonic() < deadline, f"still not {what} after {within_s:g} s"
        time.sleep(0.05)


def _deliveries(engine: Engine) -> list[JobRecord]:
    def read(tx: Any) -> list[JobRecord]:
        rows = tx.all("SELECT id FROM jobs WHERE kind = 'notify' ORDER BY id")
        return [job for (job_id,) in rows if (job := JobStore(tx).get(int(job_id))) is not None]

    return engine.runtime.read(read)


@contextmanager
def _worker_thread(engine: Engine) -> Iterator[tuple[threading.Event, threading.Thread]]:
    stop = threading.Event()
    thread = threading.Thread(target=engine.run_worker, args=(stop,), kwargs={"poll_s": 0.1}, daemon=True)
    thread.start()
    try:
        yield stop, thread
    finally:
        stop.set()
        thread.join(30)


def test_actions_started_behind_hanging_webhook_deliveries_finish_while_the_receiver_still_holds_them(
        database_url: str) -> None:
    with hanging_hook() as hook, _engine(database_url, hook) as engine:
        approvals = [engine.start("approval").id for _ in range(NOTICE_SLOTS + 2)]  # more than a worker sends at once
        with _worker_thread(engine):
            _until(lambda: hook.held == NOTICE_SLOTS, "every slot's delivery held by the receiver")
            tasks = [engine.start("one_step").id for _ in range(5)]
            _until(lambda: all(engine.get(i).status == "succeeded" for i in tasks), "every task done")
            # the tasks were claimed, run and committed while every delivery still hung in the receiver
            assert hook.held == NOTICE_SLOTS
            assert {job.status for job in _deliveries(engine)} <= {"running", "ready"}  # none recorded meanwhile
            assert len(_deliveries(engine)) == len(approvals)
    assert hook.most_held == NOTICE_SLOTS  # several at once, never more than the slots
    assert hook.taken == []


def test_a_stop_releases_hanging_deliveries_at_once_and_the_next_worker_delivers_them(database_url: str) -> None:
    with hanging_hook() as hook, _engine(database_url, hook) as engine:
        approvals = [engine.start("approval").id for _ in range(5)]
        with _worker_thread(engine) as (stop, thread):
            _until(lambda: hook.held == 5, "every delivery held by the receiver")
            stop.set()
            thread.join(15)  # five sends waiting out their timeouts one by one would take 150 s
            assert not thread.is_alive()
            assert hook.held == 5  # it did not wait for them
        released = _deliveries(engine)
        assert [(job.status, job.attempt, job.lease_owner) for job in released] == [("ready", 1, None)] * 5
        assert all("the worker stopped before the receiver answered" in job.last_error["message"] for job in released)

        hook.healthy.set()
        engine.run_until_idle()  # the next worker
        delivered = _deliveries(engine)
    assert [(job.status, job.attempt) for job in delivered] == [("done", 1)] * 5
    assert sorted(notice["instance_id"] for notice in hook.taken) == sorted(approvals)
    assert {notice["type"] for notice in hook.taken} == {"approval.requested"}


def test_a_delivery_under_way_keeps_its_lease_and_moves_to_another_worker_only_once_its_worker_is_gone(
        database_url: str, clock: ManualClock) -> None:
    # heartbeats that never come by themselves: this test renews leases by hand, by the manual clock
    with hanging_hook() as hook, _engine(database_url, hook, clock=clock, heartbeat_s=3600) as engine:
        engine.start("approval")
        sender, other = engine.worker(owner="sender"), engine.worker(owner="other")
        try:
            sender.run_once()  # the approval's notice, into its delivery
            sender.run_once()  # the delivery, under way on a thread of its own
            _until(lambda: hook.held == 1, "the delivery held by the receiver")
            for _ in range(3):  # three leases long, renewed by the sender's heartbeat
                clock.advance(sender.lease_s - 1)
                assert sender.heartbeat.beat() == 1
                assert other.claim() == []  # never taken twice while its sender lives

            sender.heartbeat.close()  # the sender dies mid-delivery: nothing renews its lease any more
            clock.advance(sender.lease_s + 1)
            hook.healthy.set()
            assert other.execute(other.claim()) == 1  # taken up after its lease lapsed, as its next attempt
            (job,) = _deliveries(engine)
            assert (job.status, job.attempt) == ("done", 2)

            hook.let_go.set()  # the dead sender's call ends at last (refused): too late to record anything
            assert sender.notices.wait(30)
            (job,) = _deliveries(engine)
            assert (job.status, job.attempt, job.last_error) == ("done", 2, None)
        finally:
            other.close()
            sender.close()
    assert len(hook.taken) == 1


def test_a_delivery_that_outruns_its_limit_is_given_up_as_a_failed_attempt(database_url: str,
                                                                          clock: ManualClock) -> None:
    with hanging_hook() as hook, _engine(database_url, hook, clock=clock) as engine:
        engine.start("approval")
        worker = engine.worker()
        worker.notices.limit_s = 0.5  # a receiver that trickles its answer past every socket timeout, shortened
        try:
            worker.run_once()
            worker.run_once()
            assert worker.notices.wait(30)  # given up at its limit, not at the send's timeout
            (job,) = _deliveries(engine)
            assert (job.status, job.attempt, job.lease_owner) == ("ready", 2, None)
            assert job.last_error == {"kind": "delivery", "message": "TimeoutError: no answer within 0.5 s"}
            assert job.due_at == pytest.approx(clock.now() + 5)  # the backoff of any failed attempt
            assert hook.held == 1  # its thread is left to end; the worker goes on without it
        finally:
            worker.close()


def test_a_failed_delivery_names_its_receiver_in_the_log(database_url: str, clock: ManualClock,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    closed_port = free_port()  # nothing listens there: the email fails
    with webhook_sink(refuse_first=10) as (hook_url, _), webhook_sink(refuse_first=10) as (slack_base, _):
        slack_host = slack_base.removesuffix("/hooks/approvals").removeprefix("http://")
        settings = NotificationSettings(
            email=SmtpSettings(host="127.0.0.1", port=closed_port, sender="statewright@example.com"),
            webhook=WebhookSettings(url=hook_url + "?token=t0ps3cret", secret=SECRET),
            slack=SlackSettings(url=f"http://{slack_host}/services/T000/B000/s3cr3tpath"),
            roles={"boss": ["ann@example.com"]})
        with Engine(database_url, clock=clock, notifications=settings) as engine, \
                caplog.at_level(logging.WARNING, logger="statewright.notify"):
            engine.deploy(APPROVAL)
            engine.start("approval")
            engine.run_until_idle()
            jobs = _deliveries(engine)
    lines = sorted(record.getMessage() for record in caplog.records if record.name == "statewright.notify")
    hook_target = hook_url.removeprefix("http://")
    assert sorted(line.split(" failed, attempt 1: ")[0].split(" (", 1)[1] for line in lines) == sorted(
        ["email to ann@example.com)", f"webhook to {hook_target})", f"Slack to {slack_host})"])
    webhook_line = next(line for line in lines if "webhook to" in line)
    assert webhook_line.endswith(f"WebhookRefused: {hook_target} answered HTTP 500")
    # neither a webhook's query nor a Slack webhook's path (its secret) is logged or kept
    for said in [*lines, *(json.dumps(job.last_error) for job in jobs)]:
        assert "s3cr3t" not in said
        assert "''" not in said
    assert sorted((job.payload["channel"], job.status, job.attempt) for job in jobs) == [
        ("email", "ready", 2), ("slack", "ready", 2), ("webhook", "ready", 2)]
