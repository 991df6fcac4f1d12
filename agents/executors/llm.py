"""The `llm` executor: an agent's action performed by a model behind an OpenAI-compatible chat-completions API.

The agent's instructions are the system message, the action and its input the user message, and the agent's
`tools` are offered as function tools (dots become `__`: `crm.contacts.search` is `crm__contacts__search`).
Each tool call the model makes runs through the `ToolRegistry` and is recorded as a step; the loop ends at a
message without tool calls, whose content (a JSON value) is the action's output. Token usage is priced by the
model price table. Every failure is an `ActionError` with a kind (`llm_http`, `llm_timeout`, `llm_unavailable`,
`llm_malformed`, `llm_tool`, or a tool's own kind), so the task takes its `error` path with the reason.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from agents.executors.settings import LlmSettings
from agents.handlers import register, shipped_definitions
from agents.handlers.pricing import MODEL_PRICES, ModelPrice
from agents.tools import ToolError, ToolRegistry
from engine.definition import Agent
from engine.runtime.actions import ActionError, ActionHandler, ActionRequest, ActionResult, Cost

__all__ = ["ChatClient", "LlmExecutor", "register_llm", "tool_function_name"]


def tool_function_name(tool: str) -> str:
    """A dotted tool name in the form function names allow (`[a-zA-Z0-9_-]`)."""
    return tool.replace(".", "__")


class ChatClient:
    """One POST to `{url}/chat/completions`; transport and protocol failures become `ActionError`s."""

    def __init__(self, settings: LlmSettings, *, transport: httpx.BaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
        self._http = httpx.Client(base_url=settings.url, headers=headers, timeout=settings.timeout_s,
                                  transport=transport)
        self._timeout = settings.timeout_s

    def close(self) -> None:
        self._http.close()

    def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        """The first choice's message and the usage of one completion."""
        try:
            response = self._http.post("/chat/completions", json=body)
        except httpx.TimeoutException as exc:
            raise ActionError("llm_timeout", f"the model did not answer within {self._timeout:g}s") from exc
        except httpx.TransportError as exc:
            raise ActionError("llm_unavailable", f"cannot reach the model endpoint: {exc}") from exc
        if response.status_code >= 400:
            kind = "rate_limited" if response.status_code == 429 else "llm_http"
            retryable = response.status_code not in (400, 401, 403, 404)
            raise ActionError(kind, f"the model endpoint answered HTTP {response.status_code}: "
                                    f"{response.text[:300]}", retryable=retryable)
        try:
            reply = response.json()
        except ValueError as exc:
            raise ActionError("llm_malformed", f"the model's reply is not JSON: {response.text[:200]!r}") from exc
        choices = reply.get("choices") if isinstance(reply, dict) else None
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise ActionError("llm_malformed", "the model's reply has no choices")
        message = choices[0].get("message")
        if not isinstance(message, dict):
            raise ActionError("llm_malformed", "the model's first choice has no message")
        usage = reply.get("usage") if isinstance(reply.get("usage"), dict) else {}
        return {"message": message, "usage": usage}


def _function_tool(registry: ToolRegistry, name: str) -> dict[str, Any]:
    tool = registry.get(name)
    signature = inspect.signature(tool.function)
    properties = {p: {"description": p} for p in tool.parameters}
    required = [p for p, param in signature.parameters.items()
                if p != "self" and param.default is inspect.Parameter.empty
                and param.kind not in (param.VAR_KEYWORD, param.VAR_POSITIONAL)]
    return {"type": "function", "function": {
        "name": tool_function_name(name), "description": tool.summary or name,
        "parameters": {"type": "object", "properties": properties, "required": required}}}


def _final_output(content: Any) -> Any:
    if not isinstance(content, str) or not content.strip():
        raise ActionError("llm_malformed", "the model's final message has no content")
    text = content.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ActionError("llm_malformed", f"the model's final content is not JSON: {content[:200]!r}") from exc


class LlmExecutor:
    """Performs agents' actions through a `ChatClient`, their tools through `tools`."""

    def __init__(self, settings: LlmSettings, agents: Mapping[str, Agent], tools: ToolRegistry,
                 now: Callable[[], float], *, prices: Mapping[str, ModelPrice] | None = None,
                 client: ChatClient | None = None) -> None:
        price_table = dict(MODEL_PRICES if prices is None else prices)
        if settings.model not in price_table:
            raise ValueError(f"no price for the model {settings.model}; add it to the price table")
        self.settings = settings
        self._price = price_table[settings.model]
        self._agents = dict(agents)
        self._by_action = {action: a for a in agents.values() for action in a.actions}
        self._tools = tools
        self._now = now
        self.client = client or ChatClient(settings)

    def handler(self) -> ActionHandler:
        return self.run

    def _agent(self, request: ActionRequest) -> Agent:
        """The deployed agent the engine runs the task as; else the shipped agent named or performing the action."""
        if request.agent_definition is not None:
            return request.agent_definition
        agent = self._agents.get(request.agent or "") or self._by_action.get(request.action)
        if agent is None:
            raise ActionError("llm_config", f"no agent performs the action '{request.action}'", retryable=False)
        return agent

    def run(self, request: ActionRequest) -> ActionResult:
        agent = self._agent(request)
        by_function = {tool_function_name(t): t for t in agent.tools if t in self._tools}
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": f"{agent.instructions}\n\nYou are performing the action "
                                          f"'{request.action}'. Reply with only its output as one JSON value."},
            {"role": "user", "content": json.dumps({"action": request.action, "input": request.input})}]
        body: dict[str, Any] = {"model": self.settings.model, "temperature": agent.temperature,
                                "max_tokens": agent.max_tokens, "messages": messages}
        if by_function:
            body["tools"] = [_function_tool(self._tools, t) for t in by_function.values()]
        steps: list[dict[str, Any]] = []
        tokens = [0, 0]  # prompt, completion: what the model billed so far
        try:
            return self._converse(body, messages, by_function, steps, tokens)
        except ActionError as exc:  # the attempt's tool calls and the tokens it spent go with its failure
            exc.steps = exc.steps or steps
            if exc.cost is None and any(tokens):
                exc.cost = self._cost(*tokens)
            raise

    def _converse(self, body: dict[str, Any], messages: list[dict[str, Any]], by_function: Mapping[str, str],
                  steps: list[dict[str, Any]], tokens: list[int]) -> ActionResult:
        for _ in range(self.settings.max_tool_rounds + 1):
            answer = self.client.complete(body)
            tokens[0] += int(answer["usage"].get("prompt_tokens") or 0)
            tokens[1] += int(answer["usage"].get("completion_tokens") or 0)
            message = answer["message"]
            calls = message.get("tool_calls") or []
            if not calls:
                output = _final_output(message.get("content"))
                return ActionResult(output=output, cost=self._cost(*tokens), steps=steps)
            messages.append({"role": "assistant", "content": message.get("content"), "tool_calls": calls})
            for call in self._checked_calls(calls):
                result = self._call_tool(by_function, call, steps)
                messages.append({"role": "tool", "tool_call_id": call["id"], "content": json.dumps(result)})
        raise ActionError("llm_tool", f"the model made more than {self.settings.max_tool_rounds} rounds of tool calls")

    @staticmethod
    def _checked_calls(calls: Any) -> Iterable[dict[str, Any]]:
        if not isinstance(calls, list):
            raise ActionError("llm_malformed", "the model's tool_calls is not a list")
        for call in calls:
            function = call.get("function") if isinstance(call, dict) else None
            if not isinstance(function, dict) or not isinstance(function.get("name"), str) or "id" not in call:
                raise ActionError("llm_malformed", f"a malformed tool call: {str(call)[:200]}")
            yield call

    def _call_tool(self, by_function: Mapping[str, str], call: dict[str, Any],
                   steps: list[dict[str, Any]]) -> dict[str, Any]:
        function = call["function"]
        tool = by_function.get(function["name"])
        if tool is None:
            raise ActionError("llm_tool", f"the model called the unknown tool '{function['name']}' "
                                          f"(this agent's tools: {', '.join(sorted(by_function)) or 'none'})")
        try:
            parameters = json.loads(function.get("arguments") or "{}")
        except ValueError as exc:
            raise ActionError("llm_malformed", f"the arguments of {tool} are not JSON") from exc
        if not isinstance(parameters, dict):
            raise ActionError("llm_malformed", f"the arguments of {tool} are not an object")
        step: dict[str, Any] = {"step_id": f"step_{len(steps) + 1:03d}", "action": tool, "parameters": parameters,
                                "timestamp": datetime.fromtimestamp(self._now(), UTC).isoformat(timespec="seconds")}
        steps.append(step)
        try:
            result = self._tools.call(tool, parameters)
        except ToolError as exc:
            step["error"] = {"kind": exc.kind, "message": exc.message}
            raise ActionError(exc.kind, str(exc), retryable=exc.retryable) from exc
        step["result"] = result
        return result

    def _cost(self, prompt: int, completion: int) -> Cost:
        amount = (prompt * self._price.prompt_per_million + completion * self._price.completion_per_million) / 1e6
        return Cost(amount=round(amount, 8), tokens=prompt + completion, model=self.settings.model)


def register_llm(engine: Any, settings: LlmSettings | None = None, *,
                 actions: Iterable[str] | None = None) -> LlmExecutor:
    """Register the offline handlers (the sandbox and its tools), then put the `llm` executor in front of the
    agents' actions (all of them, or only `actions`). Settings default to the environment."""
    offline = register(engine)
    _, agents = shipped_definitions()
    executor = LlmExecutor(settings or LlmSettings.from_env(), agents, offline.tools, engine.clock.now)
    wanted = set(actions) if actions is not None else {a for agent in agents.values() for a in agent.actions}
    for name in sorted(wanted):
        engine.register(name, executor.handler())
    return executor
