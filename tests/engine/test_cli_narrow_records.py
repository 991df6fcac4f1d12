"""A history or the approval requests in 80 columns (a terminal's default, a pipe, a CI log): each transition or
request as a record whose words are whole, not a table that breaks 'classify_request' into 'classi fy_req uest';
a terminal wide enough still gets the table."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import output
from engine.cli.app import build_app
from engine.runtime.engine import Engine

FLOW = {
    "id": "claim_review", "title": "Claim review", "initial": "classify_request",
    "context": {"type": "object"},
    "states": {"classify_request": {"type": "task", "action": "classify", "output": "routing"},
               "discount_approval": {"type": "approval", "approvers": {"roles": ["finance_director"]},
                                     "request": {"customer": "customer", "reason": "reason"}},
               "approved_and_recorded": {"type": "final"},
               "rejected_for_good": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "classify_request", "trigger": "done", "dest": "discount_approval"},
                    {"source": "classify_request", "trigger": "error", "dest": "rejected_for_good"},
                    {"source": "discount_approval", "trigger": "approve", "dest": "approved_and_recorded"},
                    {"source": "discount_approval", "trigger": "reject", "dest": "rejected_for_good"}],
}


@pytest.fixture
def waiting(tmp_path: Path) -> tuple[str, str]:
    url = f"sqlite:///{tmp_path / 'narrow.db'}"
    with Engine(url) as engine:
        engine.register("classify", lambda request: {"queue": "enterprise_customer_success"})
        engine.deploy(FLOW)
        instance = engine.start("claim_review", {"customer": "Globex Corporation",
                                                 "reason": "Credit for a quarter of export timeouts"}).id
        engine.run_until_idle()
    return url, instance


def _run(command: str, *args: str, width: int, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(output.stdout, "_width", width)
    done = CliRunner().invoke(build_app(command), [command, *args])
    assert done.exit_code == 0, done.output
    return done.output


def test_a_history_in_80_columns_is_a_record_a_transition_with_whole_words(
        waiting: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    url, instance = waiting
    text = _run("history", instance, "--db", url, width=80, monkeypatch=monkeypatch)
    lines = [line.rstrip() for line in text.splitlines()]
    assert "seq 2" in lines
    assert any(line.split() == ["from", "classify_request"] for line in lines)
    assert any(line.split() == ["to", "discount_approval"] for line in lines)
    assert all(len(line) <= 80 for line in lines)


def test_a_history_in_a_wide_terminal_stays_a_table(waiting: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    url, instance = waiting
    text = _run("history", instance, "--db", url, width=200, monkeypatch=monkeypatch)
    assert "seq 2" not in text
    assert any("classify_request" in line and "discount_approval" in line for line in text.splitlines())


def test_approval_requests_in_80_columns_show_their_request_whole(
        waiting: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    url, instance = waiting
    text = _run("approvals", "--db", url, width=80, monkeypatch=monkeypatch)
    words = " ".join(text.split())
    assert f"instance {instance}" in words
    assert "approvers role finance_director" in words
    assert '"reason": "Credit for a quarter of export timeouts"' in words


def test_the_instance_list_in_80_columns_names_each_workflow_and_state_whole(
        waiting: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    url, instance = waiting
    text = _run("instances", "--db", url, width=80, monkeypatch=monkeypatch)
    lines = [line.split() for line in text.splitlines()]
    assert ["id", instance] in lines
    assert ["workflow", "claim_review", "v1"] in lines
    assert ["state", "discount_approval"] in lines
    assert "…" not in text
