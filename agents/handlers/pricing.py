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
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from engine.definition import Agent
from engine.runtime.actions import Cost

__all__ = ["MODEL_PRICES", "PRICES_ENV", "PROVIDER_ENV", "UNKNOWN_PRICE", "ModelPrice", "PriceBook", "PriceSource",
           "Pricing", "estimate_tokens", "price_table"]

log = logging.getLogger("statewright.prices")

# a JSON file the deployment owns: {"model": {"prompt_per_million": 0.5, "completion_per_million": 1.5}, ...}
PRICES_ENV = "STATEWRIGHT_MODEL_PRICES"
# the provider the llm executor's prices are looked up for in the database (a price for any provider else)
PROVIDER_ENV = "STATEWRIGHT_LLM_PROVIDER"

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
    named by STATEWRIGHT_MODEL_PRICES). A model in neither runs with its cost recorded as unknown (`priced` false)."""
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


class _StoredPrice(Protocol):
    @property
    def provider(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def prompt_per_million(self) -> float: ...
    @property
    def completion_per_million(self) -> float: ...


class PriceSource(Protocol):
    """Where the database's prices come from: the engine (`Engine.model_prices`, `Engine.prices_revision`)."""

    prices_revision: int

    def model_prices(self) -> Sequence[_StoredPrice]: ...


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
                rows = sorted(rows, key=lambda r: r.provider == self._provider)  # the provider's own win
                stored = {r.model: ModelPrice(r.prompt_per_million, r.completion_per_million)
                          for r in rows if r.provider in ("", self._provider)}
                self._stored = {**self._base, **stored}
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
