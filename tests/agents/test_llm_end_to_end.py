"""A shipped flow end to end on the `llm` executor: support_ticket_triage, as deployed, run by a `statewright
worker` process (the console script, `--executor llm`) against a real chat-completions server on 127.0.0.1,
on each database.

The model's part is triage_model_script.py: tool calls, schema-shaped outputs, one malformed tool call and one
HTTP 500 after the solution was posted. The task's retry posts it again under the same idempotency key, so the
requester gets one comment.
"""

from __future__ import annotations

import json
import subprocess
import time

import pytest
from chat_completions_server import Script
from llm_deployment import llm_worker, start_triage
from triage_model_script import CLASSIFICATION, TICKET, triage_script

from agents.tools import Sandbox
from engine import Engine
from engine.runtime.views import HistoryEntry

RESOLVED_PATH = ["classify", "priority_gate", "search_knowledge", "answer_gate", "respond", "resolved"]


def _settled(engine: Engine, instance_id: str, worker: subprocess.Popen[str], within_s: float = 90.0) -> None:
    deadline = time.monotonic() + within_s
    while not engine.get(instance_id).ended:
        if worker.poll() is not None:
            pytest.fail(f"the worker stopped: {worker.communicate()[1]}")
        if time.monotonic() > deadline:
            pytest.fail(f"not ended after {within_s:g}s: {engine.get(instance_id).state}")
        time.sleep(0.1)


def _steps(entry: HistoryEntry) -> list[list[tuple[str, str | None]]]:
    return [[(s["action"], s.get("error", {}).get("kind")) for s in a["steps"]] for a in entry.attempts or []]


def test_support_triage_runs_end_to_end_on_the_model_through_a_500_and_a_malformed_tool_call(
        server: tuple[str, Script], sandbox: Sandbox, database_url: str) -> None:
    url, script = server
    triage_script(script)
    with Engine(database_url) as engine:
        triage, run = start_triage(engine)
        with llm_worker(database_url, url) as worker:
            _settled(engine, run.id, worker)
        view = engine.get(run.id)
        history = engine.history(run.id)

    assert (view.status, view.state) == ("succeeded", "resolved"), view.error
    assert [history[0].from_state] + [h.to_state for h in history] == [None, *RESOLVED_PATH]
    assert view.context["classification"] == CLASSIFICATION
    assert view.context["knowledge"]["matches"][0]["article_id"] == "KB-101"
    assert view.result == {"escalated": False, "priority": "P3", "category": "account", "article_id": "KB-101"}
    assert len(script.requests) == 11
    assert script.replies == []

    # structured output: the classification's schema from the flow's context was asked for
    classification_schema = triage.context["properties"]["classification"]
    assert script.requests[0]["response_format"]["json_schema"]["schema"] == classification_schema

    # the malformed call went back to the model, was recorded as a step, and the corrected call ran
    by_state = {h.from_state: h for h in history}
    assert _steps(by_state["classify"]) == [[("helpdesk.tickets.create", None),
                                             ("helpdesk.tickets.update", "validation"),
                                             ("helpdesk.tickets.update", None)]]
    told = [m for m in script.requests[2]["messages"] if m["role"] == "tool"][-1]
    assert told["tool_call_id"] == "call_bad"
    assert "not JSON" in json.loads(told["content"])["error"]["message"]

    # the 500 failed the respond attempt after its comment; the retry made the same call under the same key
    respond = by_state["respond"]
    assert [(a["outcome"], (a.get("error") or {}).get("kind")) for a in respond.attempts or []] == [
        ("retry", "unavailable"), ("done", None)]
    assert _steps(respond) == [[("helpdesk.comments.add", None)],
                               [("helpdesk.comments.add", None), ("helpdesk.tickets.update", None)]]
    first, second = ((respond.attempts or [])[i]["steps"][0]["result"] for i in (0, 1))
    assert (first["created"], second["created"]) == (True, False)
    assert first["comment"]["id"] == second["comment"]["id"] == view.context["response"]["comment_id"]

    # the side effects, once each
    ticket = sandbox.helpdesk.read_ticket(ticket_id="T-2001")
    assert [(c["body"], c["public"], c["author"]) for c in ticket["comments"]] == [
        (view.context["knowledge"]["matches"][0]["content"], True, "support")]
    assert {k: ticket["ticket"][k] for k in ("status", "priority", "category")} == {
        "status": "solved", "priority": "P3", "category": "account"}
    assert sandbox.helpdesk.search_tickets(requester_email=TICKET["requester_email"])["count"] == 1
    assert all(h.cost is None or h.cost > 0 for h in history)
    assert sum(a["cost"] or 0 for h in history for a in h.attempts or []) > 0
