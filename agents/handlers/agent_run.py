"""One action performed by an offline agent: the request, the tools it calls (each recorded as a step), the
keys that make its writes idempotent, and the result with its cost.

Handlers are functions of an `AgentRun`; `Agents.handler` turns one into the engine's `ActionHandler`.
A tool failure becomes an `ActionError` of the tool's kind, so the task's `retry_on` decides about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from agents.handlers.pricing import Pricing
from agents.tools import ToolError, ToolRegistry
from agents.tools.sandbox.store import Clock
from engine.definition import Agent
from engine.runtime.actions import ActionError, ActionHandler, ActionRequest, ActionResult

__all__ = ["AgentFunction", "AgentRun", "Agents", "RequestCheck", "invalid", "refusal"]


def refusal(agent: Agent, action: str, tool: str) -> str:
    """Why the agent may not call `tool` while performing `action`: not its tool, or not one of the action's."""
    if tool not in agent.tools:
        return f"the agent '{agent.id}' may not call '{tool}' (its tools: {', '.join(agent.tools) or 'none'})"
    allowed = agent.tools_for(action)
    return (f"the action '{action}' of the agent '{agent.id}' may not call '{tool}' (the action's tools: "
            f"{', '.join(allowed) or 'none'})")


def invalid(message: str) -> ActionError:
    """Bad input: kind 'validation', never retried."""
    return ActionError("validation", message, retryable=False)


@dataclass
class AgentRun:
    request: ActionRequest
    tools: ToolRegistry
    clock: Clock
    steps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def input(self) -> dict[str, Any]:
        return self.request.input

    def arg(self, name: str, default: Any = None) -> Any:
        """An input value; None and absent read as `default`."""
        value = self.request.input.get(name)
        return default if value is None else value

    def key(self, purpose: str) -> str:
        """An idempotency key for one write of this action: the same on every retry of it."""
        return f"{self.request.idempotency_key}:{purpose}"

    def _timestamp(self) -> str:
        return datetime.fromtimestamp(self.clock.now(), UTC).isoformat(timespec="seconds").replace("+00:00", "Z")

    def call(self, tool: str, **parameters: Any) -> dict[str, Any]:
        """Call a tool and record the step {step_id, action, parameters, result, timestamp}."""
        found = self._call(tool, parameters, missing_ok=False)
        assert found is not None
        return found

    def find(self, tool: str, **parameters: Any) -> dict[str, Any] | None:
        """Like `call`, but a tool answering 'not_found' gives None (the step records it) instead of failing."""
        return self._call(tool, parameters, missing_ok=True)

    def _call(self, tool: str, parameters: dict[str, Any], *, missing_ok: bool) -> dict[str, Any] | None:
        step: dict[str, Any] = {"step_id": f"step_{len(self.steps) + 1:03d}", "action": tool,
                                "parameters": parameters, "timestamp": self._timestamp()}
        self.steps.append(step)
        agent = self.request.agent_definition
        if agent is not None and tool not in agent.tools_for(self.request.action):  # run as this agent: its tools
            message = refusal(agent, self.request.action, tool)
            step["error"] = {"kind": "tool_not_allowed", "message": message}
            raise ActionError("tool_not_allowed", message, retryable=False, steps=self.steps)
        try:
            result = self.tools.call(tool, parameters)
        except ToolError as exc:
            step["error"] = {"kind": exc.kind, "message": exc.message}
            if missing_ok and exc.kind == "not_found":
                return None
            raise ActionError(exc.kind, str(exc), retryable=exc.retryable, steps=self.steps) from exc
        step["result"] = result
        return result


AgentFunction = Callable[[AgentRun], Any]


RequestCheck = Callable[[ActionRequest], None]


class Agents:
    """Makes engine handlers of agent functions: each call gets its own `AgentRun`, its steps and its cost.
    A `check`, when given, vets each request before the agent acts (raising `ActionError` to refuse it)."""

    def __init__(self, tools: ToolRegistry, pricing: Pricing, clock: Clock, *,
                 check: RequestCheck | None = None) -> None:
        self.tools = tools
        self.pricing = pricing
        self.clock = clock
        self.check = check

    def handler(self, function: AgentFunction) -> ActionHandler:
        def run(request: ActionRequest) -> ActionResult:
            if self.check is not None:
                self.check(request)
            agent_run = AgentRun(request, self.tools, self.clock)
            try:
                output = function(agent_run)
            except ActionError as exc:  # the attempt's tool calls are recorded with its failure
                exc.steps = exc.steps or agent_run.steps
                raise
            results = [s.get("result", s.get("error")) for s in agent_run.steps]
            cost = self.pricing.cost(request.agent, request.input, results, output)
            return ActionResult(output=output, cost=cost, steps=agent_run.steps)

        run.__name__ = getattr(function, "__name__", "agent_action")
        return run
