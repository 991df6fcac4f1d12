"""The `llm` executor against a real HTTP server on 127.0.0.1 that speaks the chat-completions protocol
(chat_completions_server.py), on each database.

The server plays a script of replies and records the requests, so the tests see what the client sent and what
the executor made of the answers.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from chat_completions_server import Reply, Script, chat_completions_server, completion, tool_call

from agents.executors import LlmExecutor, LlmSettings, register_llm
from agents.handlers import shipped_definitions
from agents.tools import ToolRegistry
from engine import ActionError, ActionRequest, ActionResult, Engine, ManualClock


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    with chat_completions_server() as running:
        yield running


def request_for(action: str, agent: str, payload: dict[str, Any]) -> ActionRequest:
    return ActionRequest(action=action, input=payload, context={}, idempotency_key="i-1:2", attempt=1,
                         instance_id="i-1", workflow_id="lead_qualification", state="s", tenant="default", agent=agent)


def executor(url: str, tools: ToolRegistry, clock: ManualClock, **overrides: Any) -> LlmExecutor:
    settings = LlmSettings(url=url, model="gpt-4o-mini", api_key="sk-test", **overrides)
    return LlmExecutor(settings, shipped_definitions()[1], tools, clock.now)


def test_a_plain_answer_is_the_output_priced_by_its_usage(server: tuple[str, Script], tools: ToolRegistry,
                                                         clock: ManualClock) -> None:
    url, script = server
    script.replies.append(Reply(completion('{"priority": "P3", "category": "account", "summary": "locked out"}',
                                           prompt=1000, completion_tokens=200)))
    result = executor(url, tools, clock).run(request_for("classify_ticket", "support_concierge", {"subject": "x"}))
    assert isinstance(result, ActionResult)
    assert result.output == {"priority": "P3", "category": "account", "summary": "locked out"}
    assert result.steps == []
    assert result.cost is not None
    assert result.cost.tokens == 1200
    assert result.cost.model == "gpt-4o-mini"
    assert result.cost.amount == pytest.approx((1000 * 0.15 + 200 * 0.60) / 1e6)
    sent = script.requests[0]
    agent = shipped_definitions()[1]["support_concierge"]
    assert sent["model"] == "gpt-4o-mini"
    assert sent["temperature"] == agent.temperature
    assert sent["max_tokens"] == agent.max_tokens
    assert sent["messages"][0]["role"] == "system"
    assert "Support Concierge" in sent["messages"][0]["content"]
    assert json.loads(sent["messages"][1]["content"]) == {"action": "classify_ticket", "input": {"subject": "x"}}
    assert script.headers[0]["Authorization"] == "Bearer sk-test"


def test_a_tool_call_runs_the_sandbox_tool_and_is_recorded_as_a_step(server: tuple[str, Script],
                                                                     tools: ToolRegistry, clock: ManualClock) -> None:
    url, script = server
    script.replies += [
        Reply(completion(None, [tool_call("call_1", "crm.contacts.search", {"email": "jane.smith@globex.com"})])),
        Reply(completion('{"duplicate": true, "contact_id": "C-2001"}')),
    ]
    result = executor(url, tools, clock).run(
        request_for("search_crm_duplicates", "bdr_concierge", {"email": "jane.smith@globex.com"}))
    assert result.output == {"duplicate": True, "contact_id": "C-2001"}
    offered = {t["function"]["name"] for t in script.requests[0]["tools"]}
    assert "crm__contacts__search" in offered
    assert "crm__notes__add" in offered
    [step] = result.steps
    assert step["action"] == "crm.contacts.search"
    assert step["parameters"] == {"email": "jane.smith@globex.com"}
    assert step["timestamp"].startswith("2030-01-15T12:00")
    assert "C-2001" in json.dumps(step["result"])
    tool_message = script.requests[1]["messages"][-1]
    assert tool_message["role"] == "tool"
    assert tool_message["tool_call_id"] == "call_1"
    assert json.loads(tool_message["content"]) == step["result"]
    assert result.cost is not None
    assert result.cost.tokens == 240


def _failure(url: str, tools: ToolRegistry, clock: ManualClock, **overrides: Any) -> ActionError:
    with pytest.raises(ActionError) as caught:
        executor(url, tools, clock, **overrides).run(
            request_for("search_crm_duplicates", "bdr_concierge", {"email": "a@b.com"}))
    return caught.value


def test_an_http_500_is_an_llm_http_error(server: tuple[str, Script], tools: ToolRegistry,
                                          clock: ManualClock) -> None:
    url, script = server
    script.replies.append(Reply({"error": {"message": "overloaded"}}, status=500))
    error = _failure(url, tools, clock)
    assert error.kind == "llm_http"
    assert "HTTP 500" in str(error)
    assert "overloaded" in str(error)


def test_a_reply_slower_than_the_timeout_is_an_llm_timeout(server: tuple[str, Script], tools: ToolRegistry,
                                                           clock: ManualClock) -> None:
    url, script = server
    script.replies.append(Reply(completion("{}"), delay_s=1.5))
    started = time.monotonic()
    error = _failure(url, tools, clock, timeout_s=0.3)
    assert error.kind == "llm_timeout"
    assert time.monotonic() - started < 1.4


def test_a_refused_connection_is_llm_unavailable(tools: ToolRegistry, clock: ManualClock) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = _failure(f"http://127.0.0.1:{port}/v1", tools, clock)
    assert error.kind == "llm_unavailable"


@pytest.mark.parametrize(("reply", "kind", "reason"), [
    (Reply(raw=b"<html>gateway</html>"), "llm_malformed", "not JSON"),
    (Reply({"id": "x", "choices": []}), "llm_malformed", "no choices"),
    (Reply(completion("Sure! The contact is a duplicate.")), "llm_malformed", "final content is not JSON"),
    (Reply(completion(None, [tool_call("c", "crm.companies.update", {})])), "llm_tool", "unknown tool"),
    (Reply(completion(None, [{"id": "c", "type": "function"}])), "llm_malformed", "malformed tool call"),
])
def test_malformed_replies_are_errors_with_a_reason(server: tuple[str, Script], tools: ToolRegistry,
                                                    clock: ManualClock, reply: Reply, kind: str, reason: str) -> None:
    url, script = server
    script.replies.append(reply)
    error = _failure(url, tools, clock)
    assert error.kind == kind
    assert reason in str(error)


def test_endless_tool_calls_stop_after_the_round_limit(server: tuple[str, Script], tools: ToolRegistry,
                                                      clock: ManualClock) -> None:
    url, script = server
    again = completion(None, [tool_call("c", "crm.contacts.search", {"email": "a@b.com"})])
    script.replies += [Reply(again) for _ in range(3)]
    error = _failure(url, tools, clock, max_tool_rounds=2)
    assert error.kind == "llm_tool"
    assert "more than 2 rounds" in str(error)
    assert len(script.requests) == 3
    assert error.cost is not None  # three replies billed, though the attempt failed
    assert error.cost.tokens == 3 * 120
    assert error.cost.amount == pytest.approx(3 * (100 * 0.15 + 20 * 0.60) / 1e6)


def test_a_failure_before_any_reply_costs_nothing(server: tuple[str, Script], tools: ToolRegistry,
                                                  clock: ManualClock) -> None:
    url, script = server
    script.replies.append(Reply({"error": {"message": "overloaded"}}, status=500))
    assert _failure(url, tools, clock).cost is None


FLOW = {
    "id": "llm_probe", "version": 1, "title": "One llm-backed task", "initial": "extract",
    "states": {
        "extract": {"type": "task", "agent": "bdr_concierge", "action": "extract_lead",
                    "input": {"email": "email"}, "output": "lead"},
        "done": {"type": "final", "outcome": "success"},
        "failed": {"type": "final", "outcome": "failure", "result": {"kind": "failure.kind",
                                                                    "reason": "failure.message"}},
    },
    "transitions": [
        {"source": "extract", "trigger": "done", "dest": "done"},
        {"source": "extract", "trigger": "error", "dest": "failed", "assign": {"failure": "event"}},
    ],
}


@pytest.mark.parametrize(("replies", "state"), [
    ([Reply({"error": "boom"}, status=500)], "failed"),
    ([Reply(completion("not json"))], "failed"),
    ([Reply(completion('{"email": "ann@example.com"}'))], "done"),
])
def test_an_llm_backed_task_takes_its_error_path_with_the_reason(
        server: tuple[str, Script], database_url: str, clock: ManualClock, replies: list[Reply], state: str) -> None:
    url, script = server
    script.replies += replies
    with Engine(database_url, clock=clock) as engine:
        register_llm(engine, LlmSettings(url=url, model="gpt-4o-mini"), actions=["extract_lead"])
        engine.deploy(FLOW)
        run = engine.start("llm_probe", {"email": "ann@example.com"})
        engine.run_until_idle()
        view = engine.get(run.id)
        history = engine.history(run.id)
    assert view.state == state
    assert history[-1].to_state == state
    if state == "failed":
        assert view.result["kind"] in ("llm_http", "llm_malformed")
        assert history[-1].event == "error"
        assert history[-1].payload["message"] == view.result["reason"]
        assert history[-1].payload["kind"] == view.result["kind"]
    else:
        assert view.context["lead"] == {"email": "ann@example.com"}
        assert history[-1].cost == pytest.approx((100 * 0.15 + 20 * 0.60) / 1e6)


def test_tokens_spent_by_failed_attempts_count_against_the_budget(server: tuple[str, Script], database_url: str,
                                                                  clock: ManualClock) -> None:
    url, script = server
    script.replies += [Reply(completion("not json", prompt=1000, completion_tokens=100)),
                       Reply(completion('{"email": "ann@example.com"}', prompt=200, completion_tokens=50))]
    flow = json.loads(json.dumps(FLOW))
    flow["id"] = "llm_retry"
    flow["states"]["extract"]["retry"] = {"max_attempts": 2, "initial_interval_s": 1, "jitter": False}
    failed_attempt = (1000 * 0.15 + 100 * 0.60) / 1e6
    good_attempt = (200 * 0.15 + 50 * 0.60) / 1e6
    with Engine(database_url, clock=clock) as engine:
        register_llm(engine, LlmSettings(url=url, model="gpt-4o-mini"), actions=["extract_lead"])
        engine.deploy(flow)
        run = engine.start("llm_retry", {"email": "ann@example.com"})
        engine.run_until_idle()
        clock.advance(2)
        engine.run_until_idle()
        assert engine.get(run.id).state == "done"
        (attempts,) = [h.attempts for h in engine.history(run.id) if h.attempts]
        spent = engine.budget()["spent"]
        (by_instance,) = engine.cost_totals(by="instance_id")
    assert [(a["outcome"], a["cost"]) for a in attempts] == [("retry", pytest.approx(failed_attempt)),
                                                              ("done", pytest.approx(good_attempt))]
    assert spent == pytest.approx(failed_attempt + good_attempt)
    assert by_instance.amount == pytest.approx(failed_attempt + good_attempt)
