"""What a model or its provider gets wrong, met on a real chat-completions server on 127.0.0.1
(chat_completions_server.py) by a flow on each database: the mistakes go back to the model or fail the task with
a clear kind, and what the attempt spent is recorded with it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from chat_completions_server import Reply, Script, completion, tool_call

from agents.executors import LlmExecutor, LlmSettings, register_llm
from agents.handlers import register, shipped_definitions
from agents.tools import Sandbox, ToolError, ToolRegistry
from engine import ActionError, ActionRequest, Engine, ManualClock
from engine.runtime.views import HistoryEntry

MINI = (0.15, 0.60)  # gpt-4o-mini's built-in price, USD per million prompt and completion tokens


# What a task recording the lead gives record_lead_in_crm, which requires the lead (its email finds the contact).
RECORD_INPUT = {"email": "email", "lead": "{'email': email}"}


def _flow(flow_id: str, action: str, given: dict[str, str] | None = None) -> dict[str, Any]:
    """One task of the BDR Concierge's on the llm executor, given `given` (default the context's email); its error
    path keeps the failure."""
    return {
        "id": flow_id, "version": 1, "title": "One llm-backed task", "initial": "work",
        "states": {
            "work": {"type": "task", "agent": "bdr_concierge", "action": action,
                     "input": given or {"email": "email"}, "output": "answer"},
            "done": {"type": "final", "outcome": "success"},
            "failed": {"type": "final", "outcome": "failure"},
        },
        "transitions": [
            {"source": "work", "trigger": "done", "dest": "done"},
            {"source": "work", "trigger": "error", "dest": "failed", "assign": {"failure": "event"}},
        ],
    }


def _run(engine: Engine, url: str, flow: dict[str, Any]) -> tuple[str, HistoryEntry]:
    """Start the flow, run it, and return its end state and the task's transition."""
    register_llm(engine, LlmSettings(url=url, model="gpt-4o-mini"), actions=[flow["states"]["work"]["action"]])
    engine.deploy_agent(shipped_definitions()[1]["bdr_concierge"])
    engine.deploy(flow)
    run = engine.start(flow["id"], {"email": "jane.smith@globex.com"})
    engine.run_until_idle()
    (task,) = [h for h in engine.history(run.id) if h.from_state == "work"]
    return engine.get(run.id).state, task


def _cost(calls: int, prompt: int = 100, completion_tokens: int = 20) -> float:
    return calls * (prompt * MINI[0] + completion_tokens * MINI[1]) / 1e6


def test_tool_arguments_no_store_can_keep_go_back_to_the_model_on_every_database(
        server: tuple[str, Script], database_url: str, clock: ManualClock, sandbox: Sandbox) -> None:
    """A NUL character in a note (PostgreSQL refuses it: the tool failed with the driver's DataError, its SQL and
    parameters, as kind `error`; SQLite stored it) and a limit that is not the integer the tool declares (the
    tool failed with a ValueError) are the model's mistakes: answered `validation`, recorded, corrected."""
    url, script = server
    note = {"subject_id": "C-2001", "body": "Asked about pricing."}
    script.replies += [
        Reply(completion(None, [tool_call("c1", "crm.notes.add", {**note, "body": "Asked about\u0000pricing."})])),
        Reply(completion(None, [tool_call("c2", "crm.contacts.search", {"email": "jane.smith@globex.com",
                                                                         "limit": "ten"})])),
        Reply(completion(None, [tool_call("c3", "crm.notes.add", note)])),
        Reply(completion('{"logged": true}')),
    ]
    with Engine(database_url, clock=clock) as engine:
        state, task = _run(engine, url, _flow("llm_tool_values", "record_lead_in_crm", RECORD_INPUT))
    assert state == "done"
    (attempt,) = task.attempts
    assert [(s["action"], (s.get("error") or {}).get("kind")) for s in attempt["steps"]] == [
        ("crm.notes.add", "validation"), ("crm.contacts.search", "validation"), ("crm.notes.add", None)]
    told = [json.loads(m["content"])["error"]["message"] for m in script.requests[2]["messages"] if m["role"] == "tool"]
    assert "contains a NUL character" in told[0]
    assert "limit" in told[1]
    assert "SQL" not in json.dumps(attempt)
    assert [n["body"] for n in sandbox.crm.search_notes(subject_id="C-2001")["notes"]].count(note["body"]) == 1
    assert not any("\x00" in n["body"] for n in sandbox.crm.search_notes(subject_id="C-2001")["notes"])
    assert task.cost == pytest.approx(_cost(4))


def test_a_tool_that_breaks_fails_the_attempt_with_its_steps_and_tokens(
        server: tuple[str, Script], tools: ToolRegistry, clock: ManualClock) -> None:
    """A defect in a tool (an exception no integration error names) fails the attempt as kind `error`, like any
    handler's; the tool calls before it and the model's tokens stay with the failure (they were lost)."""
    url, script = server

    def broken(*, query: str) -> dict[str, Any]:
        raise KeyError(query)

    tools.add("crm.broken", broken)
    agent = shipped_definitions()[1]["bdr_concierge"]
    agent = agent.model_copy(update={"tools": [*agent.tools, "crm.broken"],
                                     "action_tools": {"search_crm_duplicates": ["crm.contacts.search", "crm.broken"]}})
    script.replies += [
        Reply(completion(None, [tool_call("c1", "crm.contacts.search", {"email": "jane.smith@globex.com"})])),
        Reply(completion(None, [tool_call("c2", "crm.broken", {"query": "globex"})])),
    ]
    request = ActionRequest(action="search_crm_duplicates", input={}, context={}, idempotency_key="i-1:2", attempt=1,
                            instance_id="i-1", workflow_id="w", state="s", tenant="default", agent=agent.id,
                            agent_definition=agent)
    run = LlmExecutor(LlmSettings(url=url, model="gpt-4o-mini"), {agent.id: agent}, tools, clock.now)
    with pytest.raises(ActionError) as failed:
        run.run(request)
    assert failed.value.kind == "error"
    assert "crm.broken" in str(failed.value)
    assert "KeyError" in str(failed.value)
    assert [(s["action"], (s.get("error") or {}).get("kind")) for s in failed.value.steps] == [
        ("crm.contacts.search", None), ("crm.broken", "error")]
    assert failed.value.cost is not None
    assert failed.value.cost.amount == pytest.approx(_cost(2))


LEAD = {"email": "ann@acme.com", "name": "Ann Lee", "title": "VP Sales", "company": "Acme", "domain": "acme.com",
        "company_size": 500, "use_case": "sales automation", "timeline_days": 30}


def test_an_answer_the_engine_could_not_store_goes_back_to_the_model(
        server: tuple[str, Script], database_url: str, clock: ManualClock) -> None:
    """A lone surrogate (valid JSON syntax, not Unicode) used to reach the engine, which failed the task with kind
    `output` and dropped the reply's cost, and so would a NaN where the schema takes a number; now each goes back
    to the model."""
    url, script = server
    script.replies += [
        Reply(completion(json.dumps(LEAD).replace('"Ann Lee"', '"Ann \\ud800Lee"'))),
        Reply(completion(json.dumps(LEAD).replace("500", "NaN"))),
        Reply(completion(json.dumps(LEAD))),
    ]
    with Engine(database_url, clock=clock) as engine:
        state, task = _run(engine, url, _flow("llm_unstorable", "extract_lead"))
    assert state == "done"
    told = [r["messages"][-1]["content"] for r in script.requests[1:]]
    assert "lone surrogate" in told[0]
    assert "NaN is not a JSON value" in told[1]
    assert task.cost == pytest.approx(_cost(3))


def test_an_answer_never_storable_fails_the_task_with_its_cost(
        server: tuple[str, Script], database_url: str, clock: ManualClock) -> None:
    url, script = server
    script.replies += [Reply(completion(json.dumps({**LEAD, "use_case": "y" * (1024 * 1024)}))) for _ in range(3)]
    with Engine(database_url, clock=clock) as engine:
        state, task = _run(engine, url, _flow("llm_never_storable", "extract_lead"))
    assert state == "failed"
    assert task.payload["kind"] == "llm_malformed"
    assert "bytes as JSON, more than the 1,048,576 allowed" in task.payload["message"]
    (attempt,) = task.attempts
    assert attempt["cost"] == pytest.approx(_cost(3))


def test_a_reply_without_choices_is_charged_the_tokens_it_reports(
        server: tuple[str, Script], database_url: str, clock: ManualClock) -> None:
    """A reply with no choices (a filtered answer) that reports its usage: the task fails, `llm_malformed`, and
    the tokens billed are recorded with it (they were lost); one without usage costs nothing known."""
    url, script = server
    script.replies += [
        Reply(completion(None, [tool_call("c1", "crm.contacts.search", {"email": "ann@acme.com"})])),
        Reply({"id": "x", "choices": [], "usage": {"prompt_tokens": 400, "completion_tokens": 0}}),
    ]
    with Engine(database_url, clock=clock) as engine:
        state, task = _run(engine, url, _flow("llm_no_choices", "search_crm_duplicates"))
    assert state == "failed"
    assert task.payload["kind"] == "llm_malformed"
    (attempt,) = task.attempts
    assert attempt["cost"] == pytest.approx(_cost(1) + 400 * MINI[0] / 1e6)
    assert [s["action"] for s in attempt["steps"]] == ["crm.contacts.search"]


def _retried(flow_id: str, action: str) -> dict[str, Any]:
    flow = _flow(flow_id, action)
    flow["states"]["work"]["retry"] = {"max_attempts": 3, "initial_interval_s": 1, "jitter": False,
                                       "retry_on": ["timeout", "rate_limited", "unavailable"]}
    return flow


def test_a_gateways_error_in_a_200_is_taken_as_the_status_it_names(
        server: tuple[str, Script], database_url: str, clock: ManualClock) -> None:
    """OpenRouter answers an upstream failure with HTTP 200 and `{"error": {"code": 502, ...}}`: that is the
    transient `unavailable` the task retries, with the provider's message — not `llm_malformed` ("no choices"),
    which failed the task at once. A code that is no transient status is the provider's refusal."""
    url, script = server
    script.replies += [
        Reply({"error": {"code": 502, "message": "Upstream provider timed out"}}),
        Reply({"error": {"code": "429", "message": "Rate limit exceeded: free-models-per-min"}}),
        Reply(completion(json.dumps(LEAD))),
        Reply({"error": {"code": 400, "message": "This model's maximum context length is 8192 tokens"}}),
    ]
    with Engine(database_url, clock=clock) as engine:
        register_llm(engine, LlmSettings(url=url, model="gpt-4o-mini"), actions=["extract_lead"])
        engine.deploy_agent(shipped_definitions()[1]["bdr_concierge"])
        engine.deploy(_retried("llm_gateway", "extract_lead"))
        first = engine.start("llm_gateway", {"email": "ann@acme.com"})
        engine.run_until_idle()
        clock.advance(1)
        engine.run_until_idle()
        clock.advance(2)
        engine.run_until_idle()
        second = engine.start("llm_gateway", {"email": "ann@acme.com"})
        engine.run_until_idle()
        (done,) = [h for h in engine.history(first.id) if h.from_state == "work"]
        (refused,) = [h for h in engine.history(second.id) if h.from_state == "work"]
        assert engine.get(first.id).state == "done"
        assert engine.get(second.id).state == "failed"
    assert [(a["outcome"], a["error"]["kind"] if a["error"] else None) for a in done.attempts] == [
        ("retry", "unavailable"), ("retry", "rate_limited"), ("done", None)]
    assert "Upstream provider timed out" in done.attempts[0]["error"]["message"]
    assert refused.payload["kind"] == "llm_http"
    assert "maximum context length" in refused.payload["message"]
    assert len(refused.attempts) == 1


def test_a_429_for_a_spent_quota_is_not_retried(server: tuple[str, Script], database_url: str,
                                                clock: ManualClock) -> None:
    """OpenAI's 429 `insufficient_quota` (the account has no credit) comes back the same after any wait: the task
    fails at once with `llm_http` and the provider's words, instead of retrying a rate limit that is not one."""
    url, script = server
    quota = {"error": {"message": "You exceeded your current quota, please check your plan and billing details. "
                                  "For more information on this error, read the docs: "
                                  "https://platform.openai.com/docs/guides/error-codes/api-errors.",
                       "type": "insufficient_quota", "param": None, "code": "insufficient_quota"}}
    script.replies += [Reply(quota, status=429), Reply(completion(json.dumps(LEAD)))]
    with Engine(database_url, clock=clock) as engine:
        state, task = _run(engine, url, _retried("llm_quota", "extract_lead"))
    assert state == "failed"
    assert task.payload["kind"] == "llm_http"
    assert "exceeded your current quota" in task.payload["message"]
    assert len(script.requests) == 1


DEEP = "[" * 100_000 + "]" * 100_000  # JSON Python's reader gives up on (RecursionError), not a syntax error


def test_json_nested_past_the_readers_depth_is_a_mistake_not_a_crash(
        server: tuple[str, Script], database_url: str, clock: ManualClock) -> None:
    """Arrays in arrays 100,000 deep in a tool call's arguments or in the answer failed the task with kind `error`
    (a RecursionError) and no cost; now they go back to the model. A whole reply so deep is `llm_malformed`."""
    url, script = server
    deep_call = {"id": "c1", "type": "function", "function": {"name": "crm__contacts__search", "arguments": DEEP}}
    script.replies += [Reply(completion(None, [deep_call])), Reply(completion(DEEP)),
                       Reply(completion('{"duplicate": false, "contact_id": null}')),
                       Reply(raw=f'{{"choices": {DEEP}}}'.encode())]
    with Engine(database_url, clock=clock) as engine:
        state, task = _run(engine, url, _flow("llm_deep", "search_crm_duplicates"))
        again = engine.start("llm_deep", {"email": "ann@acme.com"})
        engine.run_until_idle()
        (failed,) = [h for h in engine.history(again.id) if h.from_state == "work"]
    assert state == "done"
    (attempt,) = task.attempts
    assert attempt["steps"][0]["error"] == {"kind": "validation",
                                            "message": "the arguments of crm.contacts.search nest too deep to be read"}
    assert "nests too deep" in script.requests[2]["messages"][-1]["content"]
    assert task.cost == pytest.approx(_cost(3))
    assert failed.payload["kind"] == "llm_malformed"
    assert failed.payload["message"] == "the model's reply nests too deep to be read"


LISTENER = {"id": "probe_listener", "version": 1, "title": "Starts on probe_ping", "initial": "end",
            "states": {"end": {"type": "final", "outcome": "success"}}, "transitions": [],
            "starts_on": [{"event": "probe_ping"}]}


def test_a_models_tool_calls_act_in_the_tasks_tenant(server: tuple[str, Script], database_url: str,
                                                     clock: ManualClock) -> None:
    """The executor hides `tenant` from the model but gave the tools none, so every call took their default: a
    task of tenant acme published its events (starting workflows) and read the budget of tenant default."""
    url, script = server
    script.replies += [
        Reply(completion(None, [tool_call("c1", "events.publish", {"event_type": "probe_ping", "payload": {},
                                                                   "tenant": "default"})])),
        Reply(completion('{"published": true}')),
    ]
    with Engine(database_url, clock=clock) as engine:
        register_llm(engine, LlmSettings(url=url, model="gpt-4o-mini"), actions=["publish_lead_qualified"])
        engine.deploy_agent(shipped_definitions()[1]["bdr_concierge"])
        engine.deploy(_flow("llm_tenant", "publish_lead_qualified"))
        engine.deploy(LISTENER)
        run = engine.start("llm_tenant", {"email": "ann@acme.com"}, tenant="acme")
        engine.run_until_idle()
        (task,) = [h for h in engine.history(run.id) if h.from_state == "work"]
        (published,) = [s for a in task.attempts for s in a["steps"]]
        assert published["parameters"] == {"event_type": "probe_ping", "payload": {}}  # not the model's tenant
        (started,) = published["result"]["started"]
        assert engine.get(started).tenant == "acme"
        assert engine.list_instances(tenant="default") == []


def test_the_instance_reading_tools_keep_to_the_tasks_tenant(engine: Engine) -> None:
    """`workflows.status` and `billing.usage.read` read any instance by id; given the task's tenant (the llm
    executor gives it), one of another tenant is not found, as the API answers."""
    tools = register(engine).tools
    engine.deploy(LISTENER)
    other = engine.publish("probe_ping", {}, tenant="default").started[0]
    for tool in ("workflows.status", "billing.usage.read"):
        assert tools.call(tool, {"instance_id": other})  # the rules handlers' calls, as before
        assert tools.call(tool, {"instance_id": other, "tenant": "default"})
        with pytest.raises(ToolError) as refused:
            tools.call(tool, {"instance_id": other, "tenant": "acme"})
        assert refused.value.kind == "not_found"


def test_the_shapes_other_compatible_servers_answer_in_are_read(
        server: tuple[str, Script], database_url: str, clock: ManualClock, sandbox: Sandbox) -> None:
    """A tool call whose arguments are an object rather than its JSON text and which has no id (answered as "not
    JSON" and `llm_malformed` before), and a final answer given as content parts with a reasoning part first
    (answered "no content" before, until the task failed)."""
    url, script = server
    call = {"type": "function", "function": {"name": "crm__contacts__search",
                                             "arguments": {"email": "jane.smith@globex.com"}}}
    answer = completion(None)
    answer["choices"][0]["message"]["content"] = [
        {"type": "thinking", "thinking": [{"type": "text", "text": "Jane is C-2001."}]},
        {"type": "text", "text": '{"duplicate": true, '}, {"type": "text", "text": '"contact_id": "C-2001"}'}]
    script.replies += [Reply(completion(None, [call])), Reply(answer)]
    with Engine(database_url, clock=clock) as engine:
        state, task = _run(engine, url, _flow("llm_shapes", "search_crm_duplicates"))
    assert state == "done"
    (attempt,) = task.attempts
    (search,) = attempt["steps"]
    assert search["parameters"] == {"email": "jane.smith@globex.com"}
    assert "C-2001" in json.dumps(search["result"])
    asked, answered = script.requests[1]["messages"][-2:]
    assert answered["tool_call_id"] == asked["tool_calls"][0]["id"]


def test_a_reply_asking_for_more_tool_calls_than_an_attempt_may_make_runs_none(
        server: tuple[str, Script], database_url: str, clock: ManualClock, sandbox: Sandbox) -> None:
    """The round limit bounds a loop of replies, not one reply: 40 notes in a single reply were all written.
    Past `max_tool_calls` (32) the attempt fails, `llm_tool`, before any of them runs, with the reply's cost."""
    url, script = server
    notes = [tool_call(f"c{i}", "crm.notes.add", {"subject_id": "C-2001", "body": f"Note {i}"}) for i in range(40)]
    script.replies.append(Reply(completion(None, notes)))
    with Engine(database_url, clock=clock) as engine:
        state, task = _run(engine, url, _flow("llm_many_calls", "record_lead_in_crm", RECORD_INPUT))
    assert state == "failed"
    assert task.payload["kind"] == "llm_tool"
    assert "40 tool calls at once, past the 32" in task.payload["message"]
    assert not [n for n in sandbox.crm.search_notes(subject_id="C-2001")["notes"] if n["body"].startswith("Note ")]
    (attempt,) = task.attempts
    assert attempt["cost"] == pytest.approx(_cost(1))


def test_a_reasoning_models_thinking_before_its_answer_is_not_the_answer(
        server: tuple[str, Script], database_url: str, clock: ManualClock) -> None:
    """DeepSeek-R1 or Qwen3 behind vLLM or Ollama write their thinking into the content first: every answer was
    "not JSON", sent back until the task failed `llm_malformed`. The answer is what follows the thinking; a JSON
    answer that merely mentions the tag is read as it is."""
    url, script = server
    thinking = "<think>\nThe lead is Ann Lee, a VP at Acme; {not json} here.\n</think>\n\n"
    script.replies += [Reply(completion(thinking + json.dumps(LEAD))),
                       Reply(completion(json.dumps({**LEAD, "use_case": "replace </think> tags"})))]
    with Engine(database_url, clock=clock) as engine:
        state, task = _run(engine, url, _flow("llm_thinking", "extract_lead"))
        again = engine.start("llm_thinking", {"email": "ann@acme.com"})
        engine.run_until_idle()
        answered = engine.get(again.id).context["answer"]
    assert state == "done"
    assert task.cost == pytest.approx(_cost(1))
    assert answered["use_case"] == "replace </think> tags"


def test_an_endpoint_that_refuses_response_format_is_asked_without_it(
        server: tuple[str, Script], database_url: str, clock: ManualClock) -> None:
    """Older vLLM, Groq and DeepSeek answer a JSON Schema `response_format` with HTTP 400: every task with an
    output schema failed `llm_http`. The call is made again without it (the answer is still checked against the
    schema), and the endpoint is not sent one again."""
    url, script = server
    refusal = {"error": {"message": "'response_format.type' json_schema is not supported by this model",
                         "type": "invalid_request_error", "param": "response_format"}}
    script.replies += [Reply(refusal, status=400), Reply(completion('{"email": "ann@acme.com"}')),
                       Reply(completion('{"email": "bob@acme.com"}'))]
    flow = _flow("llm_no_format", "extract_lead")
    flow["context"] = {"type": "object", "properties": {"answer": {
        "type": "object", "properties": {"email": {"type": "string"}}, "required": ["email"]}}}
    with Engine(database_url, clock=clock) as engine:
        state, _ = _run(engine, url, flow)
        again = engine.start("llm_no_format", {"email": "bob@acme.com"})
        engine.run_until_idle()
        assert engine.get(again.id).context["answer"] == {"email": "bob@acme.com"}
    assert state == "done"
    assert [("response_format" in r) for r in script.requests] == [True, False, False]


def test_a_retried_attempt_records_the_cost_sentinels_row_once(
        server: tuple[str, Script], tools: ToolRegistry, clock: ManualClock) -> None:
    """`analytics.record` took no idempotency key: a row the model recorded without naming it got an id from the
    time, so the attempt retried after a 500 (the model making the same call again) recorded a second row."""
    url, script = server
    record = tool_call("c1", "analytics.record", {"dataset": "cost_attribution", "key": "i-1",
                                                  "data": {"total": 0.0042}})
    script.replies += [Reply(completion(None, [record])), Reply({"error": "overloaded"}, status=500),
                       Reply(completion(None, [record])), Reply(completion('{"recorded": true}'))]
    agent = shipped_definitions()[1]["cost_sentinel"]
    run = LlmExecutor(LlmSettings(url=url, model="gpt-4o-mini"), {agent.id: agent}, tools, clock.now)
    first = ActionRequest(action="attribute_cost", input={"instance_id": "i-1"}, context={}, idempotency_key="i-1:4",
                          attempt=1, instance_id="i-1", workflow_id="w", state="s", tenant="default", agent=agent.id)
    with pytest.raises(ActionError):
        run.run(first)
    clock.advance(5)  # the retry comes later: an id from the time would differ
    assert run.run(replace(first, attempt=2)).output == {"recorded": True}
    rows = tools.call("analytics.query", {"dataset": "cost_attribution", "key": "i-1"})["rows"]
    assert [r["data"] for r in rows] == [{"total": 0.0042}]
