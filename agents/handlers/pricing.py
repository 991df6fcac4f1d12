"""What an offline agent's work would have cost: tokens estimated from the text it read and wrote, priced by
its model, so the Cost Sentinel has real, deterministic numbers to attribute.

Tokens are estimated as one per four characters of JSON (the usual rule of thumb for English text): the
prompt is the agent's instructions, the action's input and every tool result it read; the completion is the
output. Prices are USD per million tokens, as the model vendors list them.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.definition import Agent
from engine.runtime.actions import Cost

__all__ = ["MODEL_PRICES", "PRICES_ENV", "UNKNOWN_PRICE", "ModelPrice", "Pricing", "estimate_tokens", "price_table"]

# a JSON file the deployment owns: {"model": {"prompt_per_million": 0.5, "completion_per_million": 1.5}, ...}
PRICES_ENV = "STATEWRIGHT_MODEL_PRICES"

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


UNKNOWN_PRICE = ModelPrice(0.0, 0.0)


def price_table(path: str | Path | None = None) -> dict[str, ModelPrice]:
    """The built-in prices, overridden and extended by the deployment's price file (`path`, else the file
    named by STATEWRIGHT_MODEL_PRICES). A model in neither runs with its cost recorded as unknown (0)."""
    table = dict(MODEL_PRICES)
    chosen = path if path is not None else os.environ.get(PRICES_ENV)
    if not chosen:
        return table
    try:
        entries = json.loads(Path(chosen).read_text(encoding="utf-8"))
        for model, price in entries.items():
            table[str(model)] = ModelPrice(float(price["prompt_per_million"]), float(price["completion_per_million"]))
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"the price file {chosen} is not a JSON object of model -> "
                         f"{{prompt_per_million, completion_per_million}}: {exc}") from exc
    return table


def estimate_tokens(value: Any) -> int:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return math.ceil(len(text) / CHARS_PER_TOKEN)


class Pricing:
    """Prices the actions of known agents; a model without a price is costed 0 (its tokens still counted)."""

    def __init__(self, agents: Mapping[str, Agent], prices: Mapping[str, ModelPrice] | None = None) -> None:
        self._prices = dict(price_table() if prices is None else prices)
        self._agents = dict(agents)

    def cost(self, agent_id: str | None, action_input: Any, tool_results: Sequence[Any], output: Any) -> Cost | None:
        """The cost of one action by `agent_id` (None when no agent performed it)."""
        agent = self._agents.get(agent_id or "")
        if agent is None:
            return None
        price = self._prices.get(agent.model, UNKNOWN_PRICE)
        prompt = estimate_tokens(agent.instructions) + estimate_tokens(action_input) + sum(
            estimate_tokens(r) for r in tool_results)
        completion = estimate_tokens(output)
        amount = (prompt * price.prompt_per_million + completion * price.completion_per_million) / 1_000_000
        return Cost(amount=round(amount, 8), tokens=prompt + completion, model=agent.model)
