"""Per-agent providers: an agent that declares its own OpenAI-compatible endpoint (`provider.base_url`, and the
environment variable holding its key) is called there by the `llm` executor; the others at the deployment's.

Two chat-completions servers on two ports of 127.0.0.1, one flow with a task per agent, on each database.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest
from chat_completions_server import Reply, Script, chat_completions_server, completion

from agents.executors import ChatClient, LlmSettings, register_llm
from agents.handlers import shipped_definitions
from engine import ActionError, Engine, ManualClock
from engine.definition import Agent, Provider

FLOW = {
    "id": "two_providers", "version": 1, "title": "Two agents, two providers", "initial": "extract",
    "states": {
        "extract": {"type": "task", "agent": "bdr_concierge", "action": "extract_lead",
                    "input": {"email": "email"}, "output": "lead"},
        "classify": {"type": "task", "agent": "support_concierge", "action": "classify_ticket",
                     "input": {"ticket_id": "'T-1001'", "subject": "'Locked out'"}, "output": "classification"},
        "done": {"type": "final", "outcome": "success"},
        "failed": {"type": "final", "outcome": "failure", "result": {"kind": "failure.kind",
                                                                    "reason": "failure.message"}},
    },
    "transitions": [
        {"source": "extract", "trigger": "done", "dest": "classify"},
        {"source": "classify", "trigger": "done", "dest": "done"},
        {"source": ["extract", "classify"], "trigger": "error", "dest": "failed", "assign": {"failure": "event"}},
    ],
}


@pytest.fixture
def servers() -> Iterator[tuple[tuple[str, Script], tuple[str, Script]]]:
    with chat_completions_server() as first, chat_completions_server() as second:
        yield first, second


def _refused_url() -> str:
    """An endpoint nothing listens on: the deployment's default, which no agent here may reach."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/v1"


def _with_provider(agent_id: str, url: str, key_env: str | None) -> Agent:
    agent = shipped_definitions()[1][agent_id]
    return agent.model_copy(update={"provider": Provider(base_url=url, api_key_env=key_env)})


def _run(database_url: str, clock: ManualClock, agents: list[Agent]) -> tuple[str, dict[str, object]]:
    with Engine(database_url, clock=clock) as engine:
        register_llm(engine, LlmSettings(url=_refused_url(), model="gpt-4o-mini"),
                     actions=["extract_lead", "classify_ticket"])
        for agent in agents:
            engine.deploy_agent(agent)
        engine.deploy(FLOW)
        run = engine.start("two_providers", {"email": "ann@example.com"})
        engine.run_until_idle()
        view = engine.get(run.id)
    return view.state, {"result": view.result, "context": view.context}


def test_each_agent_calls_its_own_provider_with_its_own_key(
        servers: tuple[tuple[str, Script], tuple[str, Script]], database_url: str, clock: ManualClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    (lead_url, lead_server), (support_url, support_server) = servers
    monkeypatch.setenv("LEAD_LLM_KEY", "sk-lead")
    lead_server.replies.append(Reply(completion(json.dumps({"email": "ann@example.com"}))))
    support_server.replies.append(Reply(completion(json.dumps(
        {"priority": "P3", "category": "account", "summary": "locked out"}))))
    state, seen = _run(database_url, clock, [_with_provider("bdr_concierge", lead_url, "LEAD_LLM_KEY"),
                                            _with_provider("support_concierge", support_url + "/", None)])
    assert state == "done", seen["result"]
    assert [r["model"] for r in lead_server.requests] == ["gpt-4o-mini"]
    assert "BDR Concierge" in lead_server.requests[0]["messages"][0]["content"]
    assert lead_server.headers[0]["Authorization"] == "Bearer sk-lead"
    assert [json.loads(r["messages"][1]["content"])["action"] for r in support_server.requests] == [
        "classify_ticket"]
    assert "Authorization" not in support_server.headers[0]  # no key declared: none sent (nor the default's)
    assert seen["context"]["classification"]["priority"] == "P3"  # type: ignore[index]


def test_a_key_variable_that_is_not_set_fails_the_task_without_calling_anyone(
        servers: tuple[tuple[str, Script], tuple[str, Script]], database_url: str, clock: ManualClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    (lead_url, lead_server), _ = servers
    monkeypatch.delenv("LEAD_LLM_KEY", raising=False)
    state, seen = _run(database_url, clock, [_with_provider("bdr_concierge", lead_url, "LEAD_LLM_KEY"),
                                             shipped_definitions()[1]["support_concierge"]])
    assert state == "failed"
    assert seen["result"] == {"kind": "llm_config", "reason": "the agent 'bdr_concierge' reads its API key from "
                                                              "$LEAD_LLM_KEY, which is not set"}
    assert lead_server.requests == []


def test_a_key_read_from_a_secret_file_is_sent_without_its_line_break(
        servers: tuple[tuple[str, Script], tuple[str, Script]], database_url: str, clock: ManualClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A key mounted from a secret file ends with a line break: httpx refused the header, and every call failed
    as `unavailable` — retried as though the endpoint were down — with the key itself quoted in the history
    ("Illegal header value b'Bearer sk-…\\n'"). The key is stripped; one that is two lines is `llm_config`,
    not quoted."""
    (lead_url, lead_server), (support_url, support_server) = servers
    monkeypatch.setenv("LEAD_LLM_KEY", "sk-lead-0123456789\n")
    monkeypatch.setenv("SUPPORT_LLM_KEY", "sk-support-0123456789\nsk-old-0123456789\n")
    lead_server.replies.append(Reply(completion(json.dumps({"email": "ann@example.com"}))))
    state, seen = _run(database_url, clock, [_with_provider("bdr_concierge", lead_url, "LEAD_LLM_KEY"),
                                            _with_provider("support_concierge", support_url, "SUPPORT_LLM_KEY")])
    assert lead_server.headers[0]["Authorization"] == "Bearer sk-lead-0123456789"
    assert state == "failed"
    assert seen["result"]["kind"] == "llm_config"  # type: ignore[index]
    assert "$SUPPORT_LLM_KEY, which holds a line break (is it two lines of a file?)" in seen["result"]["reason"]  # type: ignore[index]
    assert "sk-support" not in json.dumps(seen)
    assert support_server.requests == []


def test_the_deployments_key_is_stripped_and_one_of_two_lines_refused() -> None:
    settings = {"STATEWRIGHT_LLM_URL": "http://127.0.0.1:9/v1", "STATEWRIGHT_LLM_MODEL": "m"}
    assert LlmSettings.from_env({**settings, "STATEWRIGHT_LLM_API_KEY": " sk-local\n"}).api_key == "sk-local"
    with pytest.raises(ValueError, match="STATEWRIGHT_LLM_API_KEY holds a line break") as refused:
        LlmSettings.from_env({**settings, "STATEWRIGHT_LLM_API_KEY": "sk-one\nsk-two"})
    assert "sk-one" not in str(refused.value)
    with pytest.raises(ValueError, match="holds a space"):
        LlmSettings.from_env({**settings, "STATEWRIGHT_LLM_API_KEY": "sk-one sk-two"})


def test_a_placeholder_copied_as_the_key_is_named_for_what_it_is() -> None:
    """`STATEWRIGHT_LLM_API_KEY=sk-…` pasted from a page: the ellipsis is what a header cannot carry — not a
    space or a line break, which the key has none of."""
    settings = {"STATEWRIGHT_LLM_URL": "http://127.0.0.1:9/v1", "STATEWRIGHT_LLM_MODEL": "m"}
    with pytest.raises(ValueError) as refused:
        LlmSettings.from_env({**settings, "STATEWRIGHT_LLM_API_KEY": "sk-…"})
    assert "holds the character U+2026 '…', which an HTTP header cannot carry (a placeholder" in str(refused.value)


def test_a_header_http_refuses_is_a_configuration_error_that_quotes_no_key(
        servers: tuple[tuple[str, Script], tuple[str, Script]]) -> None:
    """Settings made in code skip from_env's check: the request cannot be sent, `llm_config`, the key unquoted."""
    (url, script), _ = servers
    client = ChatClient(LlmSettings(url=url, model="m", api_key="sk-one-0123456789\nsk-two"))
    with pytest.raises(ActionError) as refused:
        client.complete({"model": "m", "messages": []})
    assert (refused.value.kind, refused.value.retryable) == ("llm_config", False)
    assert "sk-one" not in str(refused.value)
    assert script.requests == []


def test_a_key_the_endpoint_echoes_in_its_error_is_not_kept(
        servers: tuple[tuple[str, Script], tuple[str, Script]], database_url: str, clock: ManualClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A provider's 401 may quote the key it was sent. The failure's message goes into the history, the instance
    and (by `assign: {failure: event}`) the context: the key is redacted there — by its value (it is in a
    secret-named environment variable) even where it has no key's shape, and by shape (`Bearer …`)."""
    (lead_url, lead_server), _ = servers
    monkeypatch.setenv("LEAD_LLM_KEY", "opaque0123456789")
    lead_server.replies.append(Reply({"error": {"message": "Incorrect API key provided: opaque0123456789 "
                                                           "(Authorization: Bearer opaque0123456789)"}}, status=401))
    state, seen = _run(database_url, clock, [_with_provider("bdr_concierge", lead_url, "LEAD_LLM_KEY"),
                                             shipped_definitions()[1]["support_concierge"]])
    assert lead_server.headers[0]["Authorization"] == "Bearer opaque0123456789"  # sent, as it must be
    assert state == "failed"
    assert "opaque0123456789" not in json.dumps(seen)
    assert "[redacted]" in seen["result"]["reason"]  # type: ignore[index]
    with Engine(database_url) as engine:
        (instance,) = engine.list_instances(workflow_id="two_providers")
        assert "opaque0123456789" not in json.dumps([(h.payload, h.attempts) for h in engine.history(instance.id)])


def test_a_refused_endpoint_url_is_named_without_its_secrets() -> None:
    settings = {"STATEWRIGHT_LLM_URL": "http://ann:pw-0123456789@127.0.0.1:9/v1?key=k-0123456789",
                "STATEWRIGHT_LLM_MODEL": "m"}
    with pytest.raises(ValueError, match="it carries credentials") as refused:
        LlmSettings.from_env(settings)
    assert "0123456789" not in str(refused.value)
    assert "http://ann:[redacted]@127.0.0.1:9/v1?key=[redacted]" in str(refused.value)
