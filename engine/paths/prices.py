"""Model prices as the path analysis takes them: a parameter, which its callers build as the executors do
(`engine.model_rates`: the database's prices over the price file's over the built-in ones)."""

from __future__ import annotations

from collections.abc import Mapping

from engine.model_rates import ModelRate, read_price_file

__all__ = ["ModelRate", "read_price_file", "reply_cost"]


def reply_cost(prices: Mapping[str, ModelRate], model: str, max_tokens: int) -> float | None:
    """What one full reply (`max_tokens` completion tokens) costs on `model`; None when it has no price."""
    rate = prices.get(model)
    return None if rate is None else max_tokens * rate.completion_per_million / 1_000_000
