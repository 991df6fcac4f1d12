"""The `llm` executor: an agent's action performed by a model behind an OpenAI-compatible chat-completions API
(OpenAI, Azure OpenAI, vLLM, Ollama, LiteLLM: any base URL).

The agent's instructions are the system message, the action and its input the user message, and the tools the
action may call (`Agent.tools_for`: its `action_tools` entry, else all the agent's `tools`) are offered as typed
function tools (dots become `__`: `crm.contacts.search` is `crm__contacts__search`).
The model is the agent's own `model` (the settings' model when the agent names none), priced from the
deployment's prices (the database's, set by an admin, over the price file and the built-in table); a model
without a price runs with its cost recorded as unknown (`priced` false on the cost row). It is called at the
agent's own `provider` (its base URL, and its key read from the environment variable the agent names) when it
declares one, else at the settings' endpoint.

The loop, bounded by `max_tool_rounds` and `max_tool_calls`: each tool call runs through the `ToolRegistry` and is
recorded as a step. A mistake the model can correct — arguments that are not JSON or not of the declared
parameters, a tool it was not offered (never run), a tool's own error (`not_found`, `validation`) — goes back to
it as the tool message, recorded as a step with its error. A final message that is not JSON, or not JSON the
engine can store, goes back too, up to `max_output_repairs` times (replies.py reads the replies). Every write
tool is given an idempotency key derived from the task's own key and the call's ordinal in the conversation, not
from the attempt, so an attempt retried after a 429 or a crash does not repeat a side effect; every tool that
acts within a tenant is given the task's.

Provider failures are the task's to retry (chat_client.py sorts them into transient and permanent kinds); each
attempt's tokens are priced and recorded with it, even when it fails.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from agents.executors.chat_client import ChatClient, MalformedReply
from agents.executors.replies import Reply, billed_tokens, final_output, schema_problem, tool_arguments
from agents.executors.settings import LlmSettings, api_key_problem
from agents.executors.tool_schemas import (
    ENGINE_PARAMETERS,
    function_tool,
    takes_idempotency_key,
    takes_tenant,
    tool_function_name,
)
from agents.handlers import INPUTS, register, shipped_definitions
from agents.handlers.agent_run import refusal
from agents.handlers.pricing import PROVIDER_ENV, UNKNOWN_PRICE, ModelPrice, PriceBook, estimate_tokens
from agents.tools import ToolError, ToolRegistry
from engine.definition import Agent
from engine.runtime.actions import ActionError, ActionHandler, ActionRequest, ActionResult, Cost

__all__ = ["ChatClient", "LlmExecutor", "register_llm", "tool_function_name"]


FALLBACK_KINDS = frozenset({"rate_limited", "unavailable", "timeout"})  # the provider's failures, not the model's


class _Conversation:
    """One attempt's messages, tool calls and tokens."""

    def __init__(self, request: ActionRequest, agent: Agent, model: str, client: ChatClient) -> None:
        self.request = request
        self.agent = agent
        self.model = model
        self.client = client  # the agent's provider's, else the settings' endpoint
        self.steps: list[dict[str, Any]] = []
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.amount = 0.0  # each reply priced by the model that gave it (the fallback's price after a fallback)
        self.estimated = False  # a reply came without `usage`: its tokens were estimated from the text
        self.unpriced = False  # a reply came from a model without a price: the cost is unknown
        self.tool_calls = 0  # the ordinal of the next side effect's key, the same on every attempt
        self.calls_asked = 0  # tool calls the model asked for in this attempt, run or answered with a mistake
        self.parameters: dict[str, dict[str, Any]] = {}  # each offered tool's parameters, as declared to the model
        # when the model calls must have ended (time.monotonic()): a little before the task's timeout, so a call
        # cut short fails the attempt here, with its steps and cost recorded, not abandoned by the engine
        self.deadline = None if request.timeout_s is None else (
            time.monotonic() + request.timeout_s - min(1.0, 0.1 * request.timeout_s))

    def time_left(self) -> float | None:
        """Seconds the next model call may take (None: the endpoint's own timeout); `timeout` once none is left."""
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise ActionError("timeout", f"the task's {self.request.timeout_s:g} s ran out before the model was "
                                         f"asked again")
        return left


class LlmExecutor:
    """Performs agents' actions through a `ChatClient`, their tools through `tools`."""

    def __init__(self, settings: LlmSettings, agents: Mapping[str, Agent], tools: ToolRegistry,
                 now: Callable[[], float], *, prices: Mapping[str, ModelPrice] | None = None,
                 client: ChatClient | None = None, env: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self._env = os.environ if env is None else env
        self._providers: dict[tuple[str, str | None], ChatClient] = {}
        self._providers_lock = threading.Lock()
        self._prices = PriceBook() if prices is None else prices  # a PriceBook reads the database's too
        self._agents = dict(agents)
        self._by_action = {action: a for a in agents.values() for action in a.actions}
        self._tools = tools
        self._now = now
        self.client = client or ChatClient(settings)

    def handler(self) -> ActionHandler:
        return self.run

    def _timestamp(self) -> str:
        return datetime.fromtimestamp(self._now(), UTC).isoformat(timespec="seconds")

    def _agent(self, request: ActionRequest) -> Agent:
        """The deployed agent the engine runs the task as; else the shipped agent named or performing the action."""
        if request.agent_definition is not None:
            return request.agent_definition
        agent = self._agents.get(request.agent or "") or self._by_action.get(request.action)
        if agent is None:
            raise ActionError("llm_config", f"no agent performs the action '{request.action}'", retryable=False)
        return agent

    def model_for(self, agent: Agent) -> str:
        """The agent's own model; the settings' model for an agent that names none."""
        return agent.model or self.settings.model

    def client_for(self, agent: Agent) -> ChatClient:
        """The client for the agent's own provider (one per base URL and key), else the settings' endpoint. A key
        variable the agent names but the environment lacks is `llm_config`: not retried, the deployment's to fix."""
        provider = agent.provider
        if provider is None:
            return self.client
        key = None
        if provider.api_key_env is not None:
            key = (self._env.get(provider.api_key_env) or "").strip()  # a secret file's last line break
            if not key:
                raise ActionError("llm_config", f"the agent '{agent.id}' reads its API key from "
                                                f"${provider.api_key_env}, which is not set", retryable=False)
            problem = api_key_problem(key)
            if problem is not None:
                raise ActionError("llm_config", f"the agent '{agent.id}' reads its API key from "
                                                f"${provider.api_key_env}, which {problem}", retryable=False)
        url = provider.base_url.rstrip("/")
        with self._providers_lock:
            client = self._providers.get((url, key))
            if client is None:
                client = self._providers[(url, key)] = ChatClient(replace(self.settings, url=url, api_key=key))
        return client

    def run(self, request: ActionRequest) -> ActionResult:
        agent = self._agent(request)
        talk = _Conversation(request, agent, self.model_for(agent), self.client_for(agent))
        by_function = {tool_function_name(t): t for t in agent.tools_for(request.action) if t in self._tools}
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": f"{agent.instructions}\n\nYou are performing the action "
                                          f"'{request.action}'. Reply with only its output as one JSON value."},
            {"role": "user", "content": json.dumps({"action": request.action, "input": request.input})}]
        body: dict[str, Any] = {"model": talk.model, "temperature": agent.temperature,
                                "max_tokens": agent.max_tokens, "messages": messages}
        if by_function:
            declared = {t: function_tool(self._tools, t) for t in by_function.values()}
            body["tools"] = list(declared.values())
            talk.parameters = {t: d["function"]["parameters"] for t, d in declared.items()}
        if request.output_schema is not None and self.settings.response_format:
            body["response_format"] = {"type": "json_schema", "json_schema": {
                "name": f"{request.action}_output"[:64], "schema": request.output_schema, "strict": False}}
        try:
            return self._converse(body, messages, by_function, talk)
        except ActionError as exc:  # the attempt's tool calls and the tokens it spent go with its failure
            exc.steps = exc.steps or talk.steps
            if exc.cost is None and (talk.prompt_tokens or talk.completion_tokens):
                exc.cost = self._cost(talk)
            raise

    def _converse(self, body: dict[str, Any], messages: list[dict[str, Any]], by_function: Mapping[str, str],
                  talk: _Conversation) -> ActionResult:
        repairs = 0
        for _ in range(self.settings.max_tool_rounds + 1):
            answer = self._complete(body, messages, talk)
            message = answer["message"]
            self._count(talk, answer["usage"], messages, message)
            calls = message.get("tool_calls") or []
            if not calls:
                try:
                    output = self._checked_output(message.get("content"), talk.request.output_schema)
                except Reply as mistake:
                    repairs += 1
                    if repairs > self.settings.max_output_repairs:
                        raise ActionError("llm_malformed", f"the model's final reply is not the output asked for "
                                                           f"after {repairs} tries: {mistake}",
                                          retryable=False) from mistake
                    messages.append({"role": "assistant", "content": message.get("content") or ""})
                    messages.append({"role": "user", "content": str(mistake)})
                    continue
                return ActionResult(output=output, cost=self._cost(talk), steps=talk.steps)
            if not isinstance(calls, list):
                raise ActionError("llm_malformed", "the model's tool_calls is not a list", retryable=False)
            self._within_call_limit(talk, len(calls))
            messages.append({"role": "assistant", "content": message.get("content"), "tool_calls": calls})
            for call in calls:
                if not isinstance(call, dict) or not isinstance(call.get("function"), dict):
                    raise ActionError("llm_malformed", f"a malformed tool call: {str(call)[:200]}", retryable=False)
                if not isinstance(call.get("id"), str):  # some servers give none: the answer needs one to name
                    call["id"] = f"call_{len(talk.steps) + 1}"
                result = self._call_tool(by_function, call, talk)
                messages.append({"role": "tool", "tool_call_id": call["id"], "content": json.dumps(result)})
        raise ActionError("llm_tool", f"the model made more than {self.settings.max_tool_rounds} rounds of tool "
                                      f"calls", retryable=False)

    def _within_call_limit(self, talk: _Conversation, asked: int) -> None:
        """Refuse a reply whose tool calls would take the attempt past `max_tool_calls`, before any of them runs:
        rounds bound a loop of replies, this one reply asking for a thousand writes at once."""
        limit = self.settings.max_tool_calls
        if talk.calls_asked + asked > limit:
            raise ActionError("llm_tool", f"the model asked for {asked} tool calls at once, past the {limit} an "
                                          f"attempt may make ({talk.calls_asked} made before); none of them was run",
                              retryable=False)
        talk.calls_asked += asked

    def _complete(self, body: dict[str, Any], messages: list[dict[str, Any]], talk: _Conversation) -> dict[str, Any]:
        """One model call, within the budget. When the task will not retry it (its last attempt, or a kind its
        `retry_on` leaves out), a call the model fails with a transient error is made again on the agent's
        `fallback_model` (the rest of the attempt stays on it), recorded as a `model.fallback` step naming both
        models and the failure."""
        self._check_budget(talk, messages)
        try:
            return self._call(body, talk)
        except ActionError as exc:
            fallback, request = talk.agent.fallback_model, talk.request
            if (fallback is None or fallback == talk.model or exc.kind not in FALLBACK_KINDS
                    or request.will_retry(exc.kind)):
                raise
            talk.steps.append({"step_id": f"step_{len(talk.steps) + 1:03d}", "action": "model.fallback",
                               "parameters": {"from": talk.model, "to": fallback},
                               "error": {"kind": exc.kind, "message": exc.detail},
                               "timestamp": self._timestamp()})
            talk.model = body["model"] = fallback
        self._check_budget(talk, messages)
        return self._call(body, talk)

    def _call(self, body: dict[str, Any], talk: _Conversation) -> dict[str, Any]:
        """`ChatClient.complete`; a reply that is not the protocol but says what it billed is counted first."""
        try:
            return talk.client.complete(body, now=self._now(), timeout_s=talk.time_left())
        except MalformedReply as exc:
            billed = billed_tokens(exc.usage)
            if billed is not None:
                self._add(talk, *billed)
            raise

    def _check_budget(self, talk: _Conversation, messages: list[dict[str, Any]]) -> None:
        """Refuse a model call that could take the action past its agent's budget limit: what it spent so far
        plus this call at its most (the prompt's estimated tokens and `max_tokens` of completion)."""
        limit = talk.request.budget_limit
        price = self._prices.get(talk.model)
        if limit is None or price is None:
            return
        spent = self._cost(talk).amount
        worst = (estimate_tokens(messages) * price.prompt_per_million
                 + talk.agent.max_tokens * price.completion_per_million) / 1e6
        if spent + worst > limit:
            raise ActionError("budget_exceeded", f"the next model call could cost up to {worst:.6f} "
                                                 f"(spent so far {spent:.6f}), past the agent's limit of {limit:g} "
                                                 f"for one task; not called", retryable=False)

    @staticmethod
    def _checked_output(content: Any, schema: dict[str, Any] | None) -> Any:
        output = final_output(content)
        problem = schema_problem(output, schema)
        if problem is not None:
            raise Reply(f"Your output does not match its JSON Schema {problem}. The schema: {json.dumps(schema)}. "
                        f"Reply with only the corrected output as one JSON value.")
        return output

    def _count(self, talk: _Conversation, usage: dict[str, Any] | None, messages: list[dict[str, Any]],
               message: dict[str, Any]) -> None:
        """Add a reply's billed tokens; without `usage` that reads as token counts, estimate them from the text
        (and flag the estimate)."""
        billed = billed_tokens(usage)
        if billed is None:
            talk.estimated = True
            prompt, completion = estimate_tokens(messages), estimate_tokens(message)
        else:
            prompt, completion = billed
        self._add(talk, prompt, completion)

    def _add(self, talk: _Conversation, prompt: int, completion: int) -> None:
        """Count one reply's tokens, priced by the model that gave it."""
        talk.prompt_tokens += prompt
        talk.completion_tokens += completion
        price = self._prices.get(talk.model)
        if price is None:
            talk.unpriced, price = True, UNKNOWN_PRICE
        talk.amount += (prompt * price.prompt_per_million + completion * price.completion_per_million) / 1e6
        talk.request.report_spend(self._cost(talk))  # kept as it is spent: a worker killed next loses none of it

    def _call_tool(self, by_function: Mapping[str, str], call: dict[str, Any], talk: _Conversation) -> dict[str, Any]:
        """Run one tool call; what the model got wrong comes back as `{"error": ...}` for it to correct."""
        function = call.get("function")
        name = function.get("name") if isinstance(function, dict) else None
        step: dict[str, Any] = {"step_id": f"step_{len(talk.steps) + 1:03d}", "action": name,
                                "timestamp": self._timestamp()}
        talk.steps.append(step)
        tool = by_function.get(name) if isinstance(name, str) else None
        if tool is None:
            return self._refused(step, name, by_function, talk)
        step["action"] = tool
        parameters = tool_arguments(tool, function.get("arguments"))  # type: ignore[union-attr]
        if isinstance(parameters, str):
            return self._mistake(step, "validation", parameters)
        given = {k: v for k, v in parameters.items() if k not in ENGINE_PARAMETERS}
        step["parameters"] = dict(given)  # what the tool ran with: a tenant the model wrote was not used
        problem = schema_problem(given, talk.parameters.get(tool))
        if problem is not None:  # what the tool was declared to take: "ten" for a limit is the model's to correct
            return self._mistake(step, "validation", f"the arguments of {tool} do not match its parameters {problem}")
        if takes_idempotency_key(self._tools, tool):
            talk.tool_calls += 1
            given["idempotency_key"] = f"{talk.request.idempotency_key}:llm:{talk.tool_calls}"
        if takes_tenant(self._tools, tool):  # the task's own: never the model's to choose, nor the tool's default
            given["tenant"] = talk.request.tenant
        try:
            result = self._tools.call(tool, given)
        except ToolError as exc:
            if exc.retryable:  # the system behind the tool is down: the task's retry policy decides
                step["error"] = {"kind": exc.kind, "message": exc.message}
                raise ActionError(exc.kind, str(exc), retryable=True) from exc
            return self._mistake(step, exc.kind, exc.message)
        except Exception as exc:  # a tool's own defect: the attempt fails, its steps and tokens kept with it
            message = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
            step["error"] = {"kind": "error", "message": message}
            raise ActionError("error", f"the tool {tool} failed: {message}") from exc
        step["result"] = result
        return result

    def _refused(self, step: dict[str, Any], name: Any, by_function: Mapping[str, str],
                 talk: _Conversation) -> dict[str, Any]:
        """A call to a tool the action was not offered, answered without running it: one of the agent's other
        tools is `tool_not_allowed` for this action, anything else an `unknown_tool`."""
        others = {tool_function_name(t): t for t in talk.agent.tools}
        if isinstance(name, str) and name in others:
            step["action"] = others[name]
            return self._mistake(step, "tool_not_allowed", f"{refusal(talk.agent, talk.request.action, others[name])}"
                                                           f"; call only the tools you were given")
        return self._mistake(step, "unknown_tool", f"there is no tool '{name}'; your tools: "
                                                   f"{', '.join(sorted(by_function)) or 'none'}")

    @staticmethod
    def _mistake(step: dict[str, Any], kind: str, message: str) -> dict[str, Any]:
        step["error"] = {"kind": kind, "message": message}
        return {"error": {"kind": kind, "message": message}}

    @staticmethod
    def _cost(talk: _Conversation) -> Cost:
        return Cost(amount=round(talk.amount, 8), tokens=talk.prompt_tokens + talk.completion_tokens,
                    model=talk.model, priced=not talk.unpriced)


def register_llm(engine: Any, settings: LlmSettings | None = None, *,
                 actions: Iterable[str] | None = None) -> LlmExecutor:
    """Register the offline handlers (the sandbox and its tools), then put the `llm` executor in front of the
    agents' actions (all of them, or only `actions`). Settings default to the environment."""
    offline = register(engine)
    _, agents = shipped_definitions()
    executor = LlmExecutor(settings or LlmSettings.from_env(), agents, offline.tools, engine.clock.now,
                           prices=PriceBook(source=engine, provider=os.environ.get(PROVIDER_ENV, "")))
    wanted = set(actions) if actions is not None else {a for agent in agents.values() for a in agent.actions}
    for name in sorted(wanted):  # the same input contract as the offline handler's: the task gives the same
        # in front of the offline handler registered under the name just above: a replacement, meant
        engine.register(name, executor.handler(), input_schema=INPUTS.get(name), replace=True)
    return executor
