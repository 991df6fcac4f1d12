"""What an offline agent's work would have cost: tokens estimated from the text it read and wrote, priced by
its model, so the Cost Sentinel has real, deterministic numbers to attribute.

Tokens are estimated as one per four characters of JSON (the usual rule of thumb for English text): the
prompt is the agent's instructions, the action's input and every tool result it read; the completion is the
output. Prices are USD per million tokens, as the model vendors list them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.definition import Agent
from engine.runtime.actions import Cost

__all__ = ["MODEL_PRICES", "ModelPrice", "Pricing", "estimate_tokens"]

CHARS_PER_TOKEN = 4


@dataclass(frozen=True, slots=True)
class ModelPrice:
    prompt_per_million: float
    completion_per_million: float


MODEL_PRICES: dict[str, ModelPrice] = {
    "gpt-4o-mini": ModelPrice(0.15, 0.60),
    "gpt-4o": ModelPrice(2.50, 10.00),
    "gpt-4.1-mini": ModelPrice(0.40, 1.60),
    "gpt-4.1": ModelPrice(2.00, 8.00),
}


def estimate_tokens(value: Any) -> int:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return math.ceil(len(text) / CHARS_PER_TOKEN)


class Pricing:
    """Prices the actions of known agents; an agent whose model has no price is refused when built."""

    def __init__(self, agents: Mapping[str, Agent], prices: Mapping[str, ModelPrice] | None = None) -> None:
        self._prices = dict(MODEL_PRICES if prices is None else prices)
        unpriced = sorted({a.model for a in agents.values() if a.model not in self._prices})
        if unpriced:
            raise ValueError(f"no price for the model(s) {', '.join(unpriced)}; add them to the price table")
        self._agents = dict(agents)

    def cost(self, agent_id: str | None, action_input: Any, tool_results: Sequence[Any], output: Any) -> Cost | None:
        """The cost of one action by `agent_id` (None when no agent performed it)."""
        agent = self._agents.get(agent_id or "")
        if agent is None:
            return None
        price = self._prices[agent.model]
        prompt = estimate_tokens(agent.instructions) + estimate_tokens(action_input) + sum(
            estimate_tokens(r) for r in tool_results)
        completion = estimate_tokens(output)
        amount = (prompt * price.prompt_per_million + completion * price.completion_per_million) / 1_000_000
        return Cost(amount=round(amount, 8), tokens=prompt + completion, model=agent.model)
