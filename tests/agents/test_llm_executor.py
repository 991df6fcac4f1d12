"""The `llm` executor against a real HTTP server on 127.0.0.1 that speaks the chat-completions protocol
(chat_completions_server.py), on each database.

The server plays a script of replies and records the requests, so the tests see what the client sent and what
the executor made of the answers.
"""

from __future__ import annotations

import json
import socket
import time
from dataclasses import replace
from typing import Any

import pytest
from chat_completions_server import Reply, Script, completion, tool_call

from agents.executors import LlmExecutor, LlmSettings, register_llm, tool_function_name
from agents.handlers import shipped_definitions
from agents.tools import Sandbox, ToolRegistry
from engine import ActionError, ActionRequest, ActionResult, Engine, InstanceView, ManualClock
from engine.definition import Retry


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
    assert offered == {"crm__contacts__search"}  # the action's own tools, not all of the agent's
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


@pytest.mark.parametrize(("status", "headers", "kind", "retryable", "wait"), [
    (500, {}, "unavailable", True, None),
    (503, {"Retry-After": "12"}, "unavailable", True, 12.0),
    (429, {"Retry-After": "7"}, "rate_limited", True, 7.0),
    (429, {}, "rate_limited", True, None),
    (400, {}, "llm_http", False, None),
    (401, {}, "llm_http", False, None),
])
def test_provider_errors_are_sorted_into_transient_and_permanent(
        server: tuple[str, Script], tools: ToolRegistry, clock: ManualClock, status: int, headers: dict[str, str],
        kind: str, retryable: bool, wait: float | None) -> None:
    url, script = server
    script.replies.append(Reply({"error": {"message": "overloaded"}}, status=status, headers=headers))
    error = _failure(url, tools, clock)
    assert (error.kind, error.retryable, error.retry_after_s) == (kind, retryable, wait)
    assert f"HTTP {status}" in str(error)
    assert "overloaded" in str(error)


def test_a_reply_slower_than_the_timeout_is_a_timeout(server: tuple[str, Script], tools: ToolRegistry,
                                                      clock: ManualClock) -> None:
    url, script = server
    script.replies.append(Reply(completion("{}"), delay_s=1.5))
    started = time.monotonic()
    error = _failure(url, tools, clock, timeout_s=0.3)
    assert (error.kind, error.retryable) == ("timeout", True)
    assert time.monotonic() - started < 1.4


def test_a_reply_that_trickles_in_is_held_to_the_timeout(server: tuple[str, Script], tools: ToolRegistry,
                                                         clock: ManualClock) -> None:
    """A body sent a byte at a time (a gateway's keep-alive whitespace while the model thinks) renews httpx's
    per-read timeout with every byte: the call ran on for as long as the server liked, past the setting and past
    the task's own timeout. It is now held to its time as a whole."""
    url, script = server
    answer = json.dumps(completion('{"duplicate": false, "padding": "' + "x" * 300 + '"}')).encode()
    script.replies.append(Reply(raw=b" " * 50 + answer, drip_s=0.02))  # ~8 s in all, no gap near 1 s
    error = _failure(url, tools, clock, timeout_s=1.0)
    assert error.kind == "timeout"
    assert str(error) == "the model did not answer within 1s"


def test_a_model_call_ends_before_the_tasks_timeout_so_the_attempt_fails_here(
        server: tuple[str, Script], tools: ToolRegistry, clock: ManualClock) -> None:
    """The endpoint's timeout (60 s) is longer than the task's (1 s): the call is cut at the task's time, less a
    margin, so the executor fails the attempt itself — its steps and cost kept — before the engine gives up on
    the handler and leaves its thread waiting on the model."""
    url, script = server
    script.replies.append(Reply(completion("{}"), delay_s=6))
    request = replace(request_for("search_crm_duplicates", "bdr_concierge", {"email": "a@b.com"}), timeout_s=2.0)
    started = time.monotonic()
    with pytest.raises(ActionError) as caught:
        executor(url, tools, clock, timeout_s=60).run(request)
    assert time.monotonic() - started < 5  # not the reply's 6 s, nor the endpoint's 60 s: the task's 2 s, less 0.2
    assert (caught.value.kind, caught.value.retryable) == ("timeout", True)
    said = str(caught.value)
    assert said.startswith("the model did not answer within ")
    assert 1.0 <= float(said.removeprefix("the model did not answer within ").removesuffix("s")) <= 1.8


def test_a_refused_connection_is_unavailable(tools: ToolRegistry, clock: ManualClock) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = _failure(f"http://127.0.0.1:{port}/v1", tools, clock)
    assert (error.kind, error.retryable) == ("unavailable", True)


@pytest.mark.parametrize(("reply", "kind", "reason"), [
    (Reply(raw=b"<html>gateway</html>"), "llm_malformed", "not JSON"),
    (Reply({"id": "x", "choices": []}), "llm_malformed", "no choices"),
    (Reply(completion(None, [{"type": "function"}])), "llm_malformed", "malformed tool call"),
    # a body its Content-Encoding does not decode was an httpx.DecodingError: kind 'error'
    (Reply(raw=b"\x1f\x8bnot gzip", headers={"Content-Encoding": "gzip"}), "llm_malformed", "cannot be decoded"),
    # a redirect (http to https, a moved API) was read as an empty body: "not JSON: ''"
    (Reply(raw=b"", status=307, headers={"Location": "https://models.example.com/v1/chat/completions"}), "llm_http",
     "HTTP 307, redirecting to https://models.example.com/v1/chat/completions"),
])
def test_malformed_replies_are_errors_with_a_reason(server: tuple[str, Script], tools: ToolRegistry,
                                                    clock: ManualClock, reply: Reply, kind: str, reason: str) -> None:
    url, script = server
    script.replies.append(reply)
    error = _failure(url, tools, clock)
    assert error.kind == kind
    assert reason in str(error)


MIB = 1024 * 1024


def _padded(size: int) -> bytes:
    """A well-formed completion whose body is `size` bytes (the padding in a field the client ignores)."""
    reply = completion('{"duplicate": false}')
    body = json.dumps({**reply, "padding": ""}).encode()
    return json.dumps({**reply, "padding": "x" * (size - len(body))}).encode()


@pytest.mark.parametrize("content_length", [True, False])
def test_a_reply_over_the_size_limit_fails_the_call_without_being_read_whole(
        server: tuple[str, Script], tools: ToolRegistry, clock: ManualClock, content_length: bool) -> None:
    """Declared or not (a body that runs until the connection closes), a reply past 8 MiB is cut off: the call
    fails as a reply that is not the protocol, not retried."""
    url, script = server
    script.replies.append(Reply(raw=_padded(8 * MIB + 1), content_length=content_length))
    error = _failure(url, tools, clock)
    assert (error.kind, error.retryable) == ("llm_malformed", False)
    assert "longer than the 8 MiB a reply may be (STATEWRIGHT_LLM_MAX_REPLY_BYTES)" in str(error)
    assert len(script.requests) == 1


@pytest.mark.parametrize("content_length", [True, False])
def test_the_reply_size_limit_is_a_setting(server: tuple[str, Script], tools: ToolRegistry, clock: ManualClock,
                                           content_length: bool) -> None:
    url, script = server
    script.replies += [Reply(raw=_padded(MIB), content_length=content_length) for _ in range(2)]
    result = executor(url, tools, clock, max_reply_bytes=MIB).run(
        request_for("search_crm_duplicates", "bdr_concierge", {"email": "a@b.com"}))
    assert result.output == {"duplicate": False}
    error = _failure(url, tools, clock, max_reply_bytes=MIB - 1)
    assert "longer than the 1,048,575 bytes a reply may be" in str(error)
    assert LlmSettings.from_env({"STATEWRIGHT_LLM_URL": url, "STATEWRIGHT_LLM_MODEL": "m",
                                 "STATEWRIGHT_LLM_MAX_REPLY_BYTES": "65536"}).max_reply_bytes == 65536
    assert LlmSettings.from_env({"STATEWRIGHT_LLM_URL": url, "STATEWRIGHT_LLM_MODEL": "m"}).max_reply_bytes == 8 * MIB


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


def test_a_final_reply_that_is_not_json_goes_back_to_the_model_a_bounded_number_of_times(
        server: tuple[str, Script], tools: ToolRegistry, clock: ManualClock) -> None:
    url, script = server
    script.replies += [Reply(completion("Sure! The contact is a duplicate.")),
                       Reply(completion('{"duplicate": true}'))]
    result = executor(url, tools, clock).run(request_for("search_crm_duplicates", "bdr_concierge", {"email": "a@b"}))
    assert result.output == {"duplicate": True}
    told = script.requests[1]["messages"][-1]
    assert told["role"] == "user"
    assert "not JSON" in told["content"]
    script.replies += [Reply(completion("no")) for _ in range(3)]
    error = _failure(url, tools, clock, max_output_repairs=2)
    assert (error.kind, error.retryable) == ("llm_malformed", False)
    assert "after 3 tries" in str(error)


def test_tool_call_mistakes_go_back_to_the_model_and_are_recorded_as_steps(
        server: tuple[str, Script], tools: ToolRegistry, clock: ManualClock) -> None:
    url, script = server
    bad_arguments = {"id": "c1", "type": "function", "function": {"name": "crm__contacts__search",
                                                                  "arguments": "{email: oops"}}
    script.replies += [
        Reply(completion(None, [bad_arguments, tool_call("c2", "crm.companies.update", {})])),
        Reply(completion(None, [tool_call("c3", "crm.contacts.search", {"emial": "a@b.com"})])),
        Reply(completion(None, [tool_call("c4", "crm.contacts.search", {"email": "jane.smith@globex.com"})])),
        Reply(completion('{"duplicate": true, "contact_id": "C-2001"}')),
    ]
    result = executor(url, tools, clock).run(
        request_for("search_crm_duplicates", "bdr_concierge", {"email": "jane.smith@globex.com"}))
    assert result.output == {"duplicate": True, "contact_id": "C-2001"}
    assert [(s["action"], s.get("error", {}).get("kind")) for s in result.steps] == [
        ("crm.contacts.search", "validation"), ("crm__companies__update", "unknown_tool"),
        ("crm.contacts.search", "validation"), ("crm.contacts.search", None)]
    answers = [m for m in script.requests[1]["messages"] if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in answers] == ["c1", "c2"]
    assert "not JSON" in json.loads(answers[0]["content"])["error"]["message"]
    assert "there is no tool 'crm__companies__update'" in json.loads(answers[1]["content"])["error"]["message"]


def test_an_action_is_offered_only_its_tools_and_a_call_to_another_is_refused_unrun(
        server: tuple[str, Script], tools: ToolRegistry, sandbox: Sandbox, clock: ManualClock) -> None:
    url, script = server
    agent = shipped_definitions()[1]["support_concierge"]
    assert "slack.notify" in agent.tools
    script.replies += [
        Reply(completion(None, [tool_call("c1", "slack.notify", {"channel": "#support-oncall", "text": "P1!"})])),
        Reply(completion('{"priority": "P3", "category": "account", "summary": "locked out"}')),
    ]
    result = executor(url, tools, clock).run(request_for("classify_ticket", "support_concierge", {"subject": "x"}))
    offered = sorted(t["function"]["name"] for t in script.requests[0]["tools"])
    assert offered == sorted(tool_function_name(t) for t in agent.action_tools["classify_ticket"])  # type: ignore[index]
    assert "slack__notify" not in offered
    [step] = result.steps
    assert (step["action"], step["error"]["kind"]) == ("slack.notify", "tool_not_allowed")
    assert "result" not in step
    answer = json.loads(script.requests[1]["messages"][-1]["content"])
    assert answer["error"]["kind"] == "tool_not_allowed"
    assert "the action 'classify_ticket'" in answer["error"]["message"]
    assert sandbox.chat.messages(channel="#support-oncall") == []  # never run
    assert result.output["priority"] == "P3"


def test_tool_schemas_are_typed_and_hide_what_the_engine_supplies(server: tuple[str, Script], tools: ToolRegistry,
                                                                 clock: ManualClock) -> None:
    url, script = server
    script.replies.append(Reply(completion("{}")))
    executor(url, tools, clock).run(request_for("respond_with_solution", "support_concierge", {"ticket_id": "T-1"}))
    (comment,) = [t["function"] for t in script.requests[0]["tools"]
                  if t["function"]["name"] == "helpdesk__comments__add"]
    parameters = comment["parameters"]
    assert set(parameters["properties"]) == {"ticket_id", "body", "public", "author"}
    assert parameters["properties"]["public"]["type"] == "boolean"
    assert parameters["properties"]["ticket_id"]["type"] == "string"
    assert parameters["required"] == ["ticket_id", "body"]
    assert parameters["additionalProperties"] is False


def test_each_agent_runs_on_its_own_model_and_is_priced_by_it(server: tuple[str, Script], tools: ToolRegistry,
                                                               clock: ManualClock) -> None:
    url, script = server
    script.replies.append(Reply(completion('{"summary": "ok"}', prompt=1000, completion_tokens=100)))
    result = executor(url, tools, clock).run(request_for("summarise_ticket_outcome", "support_squad_lead", {}))
    assert script.requests[0]["model"] == "gpt-4o"
    assert result.cost is not None
    assert (result.cost.model, result.cost.amount) == ("gpt-4o", pytest.approx((1000 * 2.5 + 100 * 10) / 1e6))


def test_a_model_without_a_price_runs_and_a_reply_without_usage_is_estimated(
        server: tuple[str, Script], tools: ToolRegistry, clock: ManualClock) -> None:
    url, script = server
    reply = completion('{"summary": "ok"}')
    del reply["usage"]
    script.replies.append(Reply(reply))
    settings = LlmSettings(url=url, model="llama-3.1-70b")
    result = LlmExecutor(settings, shipped_definitions()[1], tools, clock.now, prices={}).run(
        request_for("summarise_ticket_outcome", "support_squad_lead", {}))
    assert result.output == {"summary": "ok"}
    assert result.cost is not None
    assert result.cost.amount == 0.0
    assert result.cost.tokens > 100  # estimated from the prompt's text, not taken as zero


@pytest.mark.parametrize("usage", [
    {"prompt_tokens": "many", "completion_tokens": None},  # not numbers: was a ValueError, kind 'error'
    {"prompt_tokens": 12.5, "completion_tokens": -3},  # a negative count: was priced at 0, as if free
    {"prompt_tokens": True, "completion_tokens": 10**30},  # a boolean, a count no reply could bill
    {"total_tokens": 120},  # no counts of its own: was priced at 0
])
def test_a_reply_whose_usage_is_not_token_counts_is_estimated_not_trusted(
        server: tuple[str, Script], tools: ToolRegistry, clock: ManualClock, usage: dict[str, Any]) -> None:
    url, script = server
    reply = completion('{"priority": "P3", "category": "account", "summary": "locked out"}')
    reply["usage"] = usage
    script.replies.append(Reply(reply))
    result = executor(url, tools, clock).run(request_for("classify_ticket", "support_concierge", {"subject": "x"}))
    assert result.output == {"priority": "P3", "category": "account", "summary": "locked out"}
    assert result.cost is not None
    assert 100 < result.cost.tokens < 10_000  # estimated from the text, as for a reply without usage
    assert result.cost.amount > 0


def test_a_retried_attempt_does_not_repeat_a_side_effect(server: tuple[str, Script], tools: ToolRegistry,
                                                         clock: ManualClock) -> None:
    url, script = server
    tools.call("helpdesk.tickets.create", {"ticket_id": "T-77", "subject": "Locked out"})
    comment = tool_call("c1", "helpdesk.comments.add", {"ticket_id": "T-77", "body": "Reset your password."})
    script.replies += [Reply(completion(None, [comment])), Reply({"error": "slow down"}, status=429),
                       Reply(completion(None, [comment])), Reply(completion('{"sent": true}'))]
    run = executor(url, tools, clock)
    first = request_for("respond_with_solution", "support_concierge", {"ticket_id": "T-77"})
    with pytest.raises(ActionError) as limited:
        run.run(first)
    assert limited.value.kind == "rate_limited"
    again = replace(first, attempt=2)
    assert run.run(again).output == {"sent": True}
    comments = tools.call("helpdesk.tickets.read", {"ticket_id": "T-77"})["comments"]
    assert [c["body"] for c in comments] == ["Reset your password."]


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


def _deploy_probe(engine: Engine, flow: dict[str, Any]) -> None:
    """The flow with the agent its task names (deploy refuses a task naming an agent that is not deployed)."""
    engine.deploy_agent(shipped_definitions()[1]["bdr_concierge"])
    engine.deploy(flow)


@pytest.mark.parametrize(("replies", "state"), [
    ([Reply({"error": "boom"}, status=500)], "failed"),
    ([Reply({"error": "no such model"}, status=400)], "failed"),
    ([Reply(completion("not json")) for _ in range(3)], "failed"),
    ([Reply(completion('{"email": "ann@example.com"}'))], "done"),
])
def test_an_llm_backed_task_takes_its_error_path_with_the_reason(
        server: tuple[str, Script], database_url: str, clock: ManualClock, replies: list[Reply], state: str) -> None:
    url, script = server
    script.replies += replies
    with Engine(database_url, clock=clock) as engine:
        register_llm(engine, LlmSettings(url=url, model="gpt-4o-mini"), actions=["extract_lead"])
        _deploy_probe(engine, FLOW)
        run = engine.start("llm_probe", {"email": "ann@example.com"})
        engine.run_until_idle()
        view = engine.get(run.id)
        history = engine.history(run.id)
    assert view.state == state
    assert history[-1].to_state == state
    if state == "failed":
        assert view.result["kind"] in ("unavailable", "llm_http", "llm_malformed")
        assert history[-1].event == "error"
        assert history[-1].payload["message"] == view.result["reason"]
        assert history[-1].payload["kind"] == view.result["kind"]
    else:
        assert view.context["lead"] == {"email": "ann@example.com"}
        assert history[-1].cost == pytest.approx((100 * 0.15 + 20 * 0.60) / 1e6)


def test_tokens_spent_by_failed_attempts_count_against_the_budget(server: tuple[str, Script], database_url: str,
                                                                  clock: ManualClock) -> None:
    url, script = server
    search = tool_call("c1", "crm.contacts.search", {"email": "ann@example.com"})
    script.replies += [Reply(completion(None, [search], prompt=1000, completion_tokens=100)),
                       Reply({"error": "overloaded"}, status=500),
                       Reply(completion('{"email": "ann@example.com"}', prompt=200, completion_tokens=50))]
    failed_attempt = (1000 * 0.15 + 100 * 0.60) / 1e6
    good_attempt = (200 * 0.15 + 50 * 0.60) / 1e6
    with Engine(database_url, clock=clock) as engine:
        run = _run_retried_once(engine, url, clock, "llm_retry", wait_s=2)
        assert run.state == "done"
        (attempts,) = [h.attempts for h in engine.history(run.id) if h.attempts]
        spent = engine.budget()["spent"]
        (by_instance,) = engine.cost_totals(by="instance_id")
    assert [(a["outcome"], a["cost"]) for a in attempts] == [("retry", pytest.approx(failed_attempt)),
                                                              ("done", pytest.approx(good_attempt))]
    assert spent == pytest.approx(failed_attempt + good_attempt)
    assert by_instance.amount == pytest.approx(failed_attempt + good_attempt)


def _run_retried_once(engine: Engine, url: str, clock: ManualClock, flow_id: str, *, wait_s: float) -> InstanceView:
    """FLOW with two attempts for its task (1 s apart) on the llm executor: started, and run again after
    `wait_s`."""
    flow = json.loads(json.dumps(FLOW))
    flow["id"] = flow_id
    flow["states"]["extract"]["retry"] = {"max_attempts": 2, "initial_interval_s": 1, "jitter": False}
    register_llm(engine, LlmSettings(url=url, model="gpt-4o-mini"), actions=["extract_lead"])
    _deploy_probe(engine, flow)
    run = engine.start(flow_id, {"email": "ann@example.com"})
    engine.run_until_idle()
    clock.advance(wait_s)
    engine.run_until_idle()
    return engine.get(run.id)


def test_a_transient_provider_failure_is_retried_after_the_wait_the_provider_asked_for(
        server: tuple[str, Script], database_url: str, clock: ManualClock) -> None:
    url, script = server
    script.replies += [Reply({"error": "overloaded"}, status=500),
                       Reply({"error": "slow down"}, status=429, headers={"Retry-After": "30"}),
                       Reply(completion('{"email": "ann@example.com"}'))]
    flow = json.loads(json.dumps(FLOW))
    flow["id"] = "llm_transient"
    flow["states"]["extract"]["retry"] = {"max_attempts": 3, "initial_interval_s": 1, "jitter": False,
                                          "retry_on": ["timeout", "rate_limited", "unavailable"]}
    with Engine(database_url, clock=clock) as engine:
        register_llm(engine, LlmSettings(url=url, model="gpt-4o-mini"), actions=["extract_lead"])
        _deploy_probe(engine, flow)
        run = engine.start("llm_transient", {"email": "ann@example.com"})
        engine.run_until_idle()
        clock.advance(1)  # the backoff after the 500
        engine.run_until_idle()
        assert len(script.requests) == 2
        clock.advance(20)  # backoff (2 s) is over, but the provider asked for 30
        engine.run_until_idle()
        assert len(script.requests) == 2
        assert engine.get(run.id).state == "extract"
        clock.advance(11)
        engine.run_until_idle()
        assert engine.get(run.id).state == "done"
        (attempts,) = [h.attempts for h in engine.history(run.id) if h.attempts]
    assert [a["outcome"] for a in attempts] == ["retry", "retry", "done"]


def test_the_output_schema_is_sent_and_a_reply_that_misses_it_goes_back_to_the_model(
        server: tuple[str, Script], database_url: str, clock: ManualClock) -> None:
    url, script = server
    script.replies += [Reply(completion('{"answer": "done"}')),
                       Reply(completion('{"email": "ann@example.com", "priority": "P1"}'))]
    flow = json.loads(json.dumps(FLOW))
    flow["id"] = "llm_schema"
    lead_schema = {"type": "object", "required": ["email", "priority"],
                   "properties": {"email": {"type": "string"}, "priority": {"enum": ["P1", "P2", "P3", "P4"]}}}
    flow["context"] = {"type": "object", "properties": {"email": {"type": "string"}, "lead": lead_schema}}
    with Engine(database_url, clock=clock) as engine:
        register_llm(engine, LlmSettings(url=url, model="gpt-4o-mini"), actions=["extract_lead"])
        _deploy_probe(engine, flow)
        run = engine.start("llm_schema", {"email": "ann@example.com"})
        engine.run_until_idle()
        view = engine.get(run.id)
    assert view.state == "done"
    assert view.context["lead"] == {"email": "ann@example.com", "priority": "P1"}
    asked = script.requests[0]["response_format"]
    assert asked["type"] == "json_schema"
    assert asked["json_schema"]["schema"] == lead_schema
    told = script.requests[1]["messages"][-1]["content"]
    assert "does not match its JSON Schema" in told
    assert "priority" in told


def test_a_reply_that_never_meets_the_schema_fails_the_task_with_a_clear_kind(
        server: tuple[str, Script], tools: ToolRegistry, clock: ManualClock) -> None:
    url, script = server
    script.replies += [Reply(completion('{"answer": "done"}')) for _ in range(3)]
    schema = {"type": "object", "required": ["priority"], "properties": {"priority": {"enum": ["P1", "P2"]}}}
    request = ActionRequest(action="classify_ticket", input={}, context={}, idempotency_key="i-1:2", attempt=1,
                            instance_id="i-1", workflow_id="support_squad", state="classify", tenant="default",
                            agent="support_concierge", output_schema=schema)
    with pytest.raises(ActionError) as caught:
        executor(url, tools, clock, response_format=False).run(request)
    assert (caught.value.kind, caught.value.retryable) == ("llm_malformed", False)
    assert '"priority" is a required property' in str(caught.value)
    assert "response_format" not in script.requests[0]


def test_a_call_that_could_pass_the_agents_budget_is_refused_before_spending(
        server: tuple[str, Script], tools: ToolRegistry, clock: ManualClock) -> None:
    url, script = server
    script.replies.append(Reply(completion('{"duplicate": false}')))
    tight = replace(request_for("search_crm_duplicates", "bdr_concierge", {"email": "a@b"}), budget_limit=0.0001)
    with pytest.raises(ActionError) as caught:
        executor(url, tools, clock).run(tight)
    assert (caught.value.kind, caught.value.retryable) == ("budget_exceeded", False)
    assert "not called" in str(caught.value)
    assert script.requests == []
    roomy = replace(tight, budget_limit=0.01)
    assert executor(url, tools, clock).run(roomy).output == {"duplicate": False}


def _with_fallback(attempt: int, max_attempts: int, retry_on: tuple[str, ...] = ()) -> ActionRequest:
    bdr = shipped_definitions()[1]["bdr_concierge"]
    return replace(request_for("extract_lead", "bdr_concierge", {"email": "ann@example.com"}), attempt=attempt,
                   retry=Retry(max_attempts=max_attempts, retry_on=list(retry_on)).rules(),
                   agent_definition=bdr.model_copy(update={"fallback_model": "gpt-4.1"}))


def test_on_the_last_attempt_a_failing_model_is_replaced_by_the_agents_fallback(
        server: tuple[str, Script], tools: ToolRegistry, clock: ManualClock) -> None:
    url, script = server
    script.replies += [Reply({"error": "overloaded"}, status=503),
                       Reply(completion('{"email": "ann@example.com"}', prompt=1000, completion_tokens=100))]
    result = executor(url, tools, clock).run(_with_fallback(attempt=3, max_attempts=3))
    assert [r["model"] for r in script.requests] == ["gpt-4o-mini", "gpt-4.1"]
    assert result.output == {"email": "ann@example.com"}
    [step] = result.steps
    assert (step["action"], step["parameters"]) == ("model.fallback", {"from": "gpt-4o-mini", "to": "gpt-4.1"})
    assert step["error"]["kind"] == "unavailable"
    assert "HTTP 503" in step["error"]["message"]
    assert result.cost is not None
    assert result.cost.model == "gpt-4.1"
    assert result.cost.amount == pytest.approx((1000 * 2.0 + 100 * 8.0) / 1e6)  # the fallback's own price


def test_a_failure_the_task_would_not_retry_falls_back_at_once(server: tuple[str, Script], tools: ToolRegistry,
                                                               clock: ManualClock) -> None:
    url, script = server
    script.replies += [Reply({"error": "slow down"}, status=429), Reply(completion("{}"))]
    result = executor(url, tools, clock).run(_with_fallback(attempt=1, max_attempts=3, retry_on=("timeout",)))
    assert [r["model"] for r in script.requests] == ["gpt-4o-mini", "gpt-4.1"]
    assert result.steps[0]["error"]["kind"] == "rate_limited"


@pytest.mark.parametrize(("status", "attempt", "kind"), [
    (503, 1, "unavailable"),  # retries are left: the task's policy retries the agent's own model first
    (400, 2, "llm_http"),  # the last attempt, but a refusal another model would not mend
])
def test_no_fallback_before_the_last_attempt_nor_for_a_permanent_refusal(
        server: tuple[str, Script], tools: ToolRegistry, clock: ManualClock, status: int, attempt: int,
        kind: str) -> None:
    url, script = server
    script.replies += [Reply({"error": "no"}, status=status), Reply(completion("{}"))]
    with pytest.raises(ActionError) as failed:
        executor(url, tools, clock).run(_with_fallback(attempt=attempt, max_attempts=2))
    assert failed.value.kind == kind
    assert [r["model"] for r in script.requests] == ["gpt-4o-mini"]


def test_a_task_recovers_on_the_fallback_model_after_its_retries_recorded_in_history(
        server: tuple[str, Script], database_url: str, clock: ManualClock) -> None:
    url, script = server
    script.replies += [Reply({"error": "overloaded"}, status=500), Reply({"error": "overloaded"}, status=500),
                       Reply(completion('{"email": "ann@example.com"}'))]
    bdr = shipped_definitions()[1]["bdr_concierge"]
    with Engine(database_url, clock=clock) as engine:
        engine.deploy_agent(bdr.model_copy(update={"fallback_model": "gpt-4.1", "version": "9.0.0"}))
        run = _run_retried_once(engine, url, clock, "llm_fallback", wait_s=1)
        assert run.state == "done"
        (attempts,) = [h.attempts for h in engine.history(run.id) if h.attempts]
    assert [r["model"] for r in script.requests] == ["gpt-4o-mini", "gpt-4o-mini", "gpt-4.1"]
    assert [a["outcome"] for a in attempts] == ["retry", "done"]
    assert attempts[0]["steps"] == []
    assert [s["action"] for s in attempts[1]["steps"]] == ["model.fallback"]
