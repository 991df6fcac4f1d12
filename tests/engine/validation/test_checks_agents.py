"""The named checks on an agent file: `action_tools` names the agent's own actions and tools, each mistake a
finding with a JSON pointer to it; a model deployed as such is checked the same way."""

from __future__ import annotations

from typing import Any

import pytest

from engine import Engine
from engine.definition import Agent
from engine.errors import InvalidDefinition
from engine.validation.loader import load_agent


def renewal_scout(**changes: Any) -> dict[str, Any]:
    return {"id": "renewal_scout", "type": "renewals", "version": "1.0.0", "name": "Renewal Scout",
            "tools": ["crm.deals.search", "analytics.query", "email.send"],
            "actions": ["find_renewals_at_risk", "brief_account_owner"], **changes}


def test_an_agent_whose_actions_use_its_own_tools_is_clean() -> None:
    loaded = load_agent(renewal_scout(action_tools={"find_renewals_at_risk": ["crm.deals.search"],
                                                    "brief_account_owner": []}))
    assert loaded.findings == []
    assert loaded.model is not None
    assert loaded.model.tools_for("find_renewals_at_risk") == ["crm.deals.search"]
    assert loaded.model.tools_for("brief_account_owner") == []


def test_an_action_without_an_entry_may_use_every_tool_of_the_agent() -> None:
    agent = Agent.model_validate(renewal_scout(action_tools={"brief_account_owner": ["email.send"]}))
    assert agent.tools_for("find_renewals_at_risk") == agent.tools
    assert Agent.model_validate(renewal_scout()).tools_for("brief_account_owner") == agent.tools


def test_a_tool_the_agent_does_not_have_is_an_error_at_its_place() -> None:
    loaded = load_agent(renewal_scout(action_tools={"brief_account_owner": ["email.send", "slack.notify"]}))
    assert loaded.model is None
    [finding] = loaded.findings
    assert (finding.code, finding.severity, finding.pointer) == (
        "unknown-agent-tool", "error", "/action_tools/brief_account_owner/1")
    assert "'slack.notify'" in finding.message


def test_an_action_the_agent_does_not_perform_is_an_error_at_its_place() -> None:
    loaded = load_agent(renewal_scout(action_tools={"book_meeting": ["email.send"]}))
    assert loaded.model is None
    assert [(f.code, f.pointer) for f in loaded.findings] == [("unknown-agent-action", "/action_tools/book_meeting")]


def test_an_agent_model_with_a_stray_tool_is_refused_at_deploy(tmp_path: Any) -> None:
    agent = Agent.model_validate(renewal_scout(action_tools={"find_renewals_at_risk": ["web.search"]}))
    with Engine(f"sqlite:///{tmp_path / 'agents.db'}") as engine:
        with pytest.raises(InvalidDefinition) as refused:
            engine.deploy_agent(agent)
        assert [f.pointer for f in refused.value.findings] == ["/action_tools/find_renewals_at_risk/0"]
        assert engine.agents() == []


def test_a_provider_with_an_api_base_and_a_key_variable_is_clean() -> None:
    loaded = load_agent(renewal_scout(provider={"base_url": "https://llm.internal:8443/v1",
                                                "api_key_env": "RENEWALS_LLM_KEY"}))
    assert loaded.findings == []
    assert loaded.model is not None
    assert loaded.model.provider is not None
    assert loaded.model.provider.api_key_env == "RENEWALS_LLM_KEY"


@pytest.mark.parametrize(("url", "reason"), [
    ("llm.internal/v1", "no http(s) scheme"),
    ("ftp://llm.internal/v1", "scheme is 'ftp'"),
    ("https:///v1", "names no host"),
    ("https://user:sk-secret@llm.internal/v1", "carries credentials"),
    ("https://llm.internal/v1?key=sk-secret", "query or a fragment"),
    ("https://llm.internal:99999/v1", "cannot be parsed"),
    ("https://llm internal/v1", "white space"),
])
def test_a_malformed_provider_url_is_an_error_at_its_place(url: str, reason: str) -> None:
    loaded = load_agent(renewal_scout(provider={"base_url": url}))
    assert loaded.model is None
    [finding] = loaded.findings
    assert (finding.code, finding.severity, finding.pointer) == ("malformed-provider-url", "error",
                                                                  "/provider/base_url")
    assert reason in finding.message


def test_the_key_itself_is_not_a_variable_name() -> None:
    loaded = load_agent(renewal_scout(provider={"base_url": "https://llm.internal/v1", "api_key_env": "sk-abc123"}))
    assert loaded.model is None
    assert [f.pointer for f in loaded.findings] == ["/provider/api_key_env"]


@pytest.mark.parametrize(("field", "value", "words"), [
    ("version", "1.0", "Use a version of three numbers, e.g. '1.0.0'."),
    ("level", "boss", "'level' must be one of 'agent', 'squad_lead', 'workforce'."),
])
def test_a_field_of_the_wrong_form_says_the_form_it_needs(field: str, value: str, words: str) -> None:
    """Not 'Use letters, digits, '_' and '-' only', which every pattern used to say, the version's too."""
    loaded = load_agent(renewal_scout(**{field: value}))
    assert [(f.pointer, f.message) for f in loaded.findings] == [(f"/{field}", words)]
