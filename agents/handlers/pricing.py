"""What an offline agent's work would have cost: tokens estimated from the text it read and wrote, priced by
its model, so the Cost Sentinel has real, deterministic numbers to attribute.

Tokens are estimated as one per four characters of JSON (the usual rule of thumb for English text): the
prompt is the agent's instructions, the action's input and every tool result it read; the completion is the
output. Prices are USD per million tokens, as the model vendors list them.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from engine.definition import Agent
from engine.model_rates import (
    BUILT_IN_RATES,
    PRICES_ENV,
    PROVIDER_ENV,
    ModelRate,
    StoredRate,
    deployment_rates,
    over_stored,
)
from engine.runtime.actions import Cost

__all__ = ["MODEL_PRICES", "PRICES_ENV", "PROVIDER_ENV", "UNKNOWN_PRICE", "ModelPrice", "PriceBook", "PriceSource",
           "Pricing", "estimate_tokens", "price_table"]

log = logging.getLogger("statewright.prices")

ModelPrice = ModelRate  # the name the executors have used
MODEL_PRICES = BUILT_IN_RATES
CHARS_PER_TOKEN = 4
UNKNOWN_PRICE = ModelPrice(0.0, 0.0)


def price_table(path: str | Path | None = None) -> dict[str, ModelPrice]:
    """The built-in prices, overridden and extended by the deployment's price file (`path`, else the file
    named by STATEWRIGHT_MODEL_PRICES). A model in neither runs with its cost recorded as unknown (`priced` false).
    A file with a price that is none (negative, NaN, text) is a ValueError of one line naming the file, the model
    and the setting (`engine.model_rates.read_price_file`): the command stops before any action is costed."""
    return deployment_rates(path)


class PriceSource(Protocol):
    """Where the database's prices come from: the engine (`Engine.model_prices`, `Engine.prices_revision`)."""

    prices_revision: int

    def model_prices(self) -> Sequence[StoredRate]: ...


class PriceBook(Mapping[str, ModelPrice]):
    """Prices by model: the database's (set by an admin) over the price file's over the built-in ones. Of the
    database's, a price for the book's `provider` wins over one for any provider (''). They are read again every
    `refresh_s` seconds, and at once after a change made through the same engine; a failed read keeps the last."""

    def __init__(self, base: Mapping[str, ModelPrice] | None = None, source: PriceSource | None = None, *,
                 provider: str = "", refresh_s: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._base = dict(price_table() if base is None else base)
        self._source, self._provider, self._refresh_s, self._clock = source, provider, refresh_s, clock
        self._stored: dict[str, ModelPrice] = {}
        self._read_at: float | None = None
        self._revision = -1

    def _current(self) -> dict[str, ModelPrice]:
        source = self._source
        if source is None:
            return self._base
        now = self._clock()
        if self._read_at is None or now - self._read_at >= self._refresh_s or source.prices_revision != self._revision:
            revision = source.prices_revision
            try:
                rows = source.model_prices()
            except Exception:  # the database is down: price with what was read last
                log.exception("cannot read the model prices; using the ones read before")
            else:
                self._stored = over_stored(self._base, rows, self._provider)
            self._read_at, self._revision = now, revision
        return self._stored

    def __getitem__(self, model: str) -> ModelPrice:
        return self._current()[model]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())


def estimate_tokens(value: Any) -> int:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return math.ceil(len(text) / CHARS_PER_TOKEN)


class Pricing:
    """Prices the actions of known agents; a model without a price is costed unknown (amount 0, `priced` false;
    its tokens still counted)."""

    def __init__(self, agents: Mapping[str, Agent], prices: Mapping[str, ModelPrice] | None = None) -> None:
        self._prices = PriceBook() if prices is None else prices
        self._agents = dict(agents)

    def cost(self, agent_id: str | None, action_input: Any, tool_results: Sequence[Any], output: Any) -> Cost | None:
        """The cost of one action by `agent_id` (None when no agent performed it)."""
        agent = self._agents.get(agent_id or "")
        if agent is None:
            return None
        price = self._prices.get(agent.model)
        prompt = estimate_tokens(agent.instructions) + estimate_tokens(action_input) + sum(
            estimate_tokens(r) for r in tool_results)
        completion = estimate_tokens(output)
        if price is None:
            return Cost(amount=0.0, tokens=prompt + completion, model=agent.model, priced=False)
        amount = (prompt * price.prompt_per_million + completion * price.completion_per_million) / 1_000_000
        return Cost(amount=round(amount, 8), tokens=prompt + completion, model=agent.model)
