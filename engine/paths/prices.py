"""Model prices as the path analysis takes them: a parameter, in the format of the deployment's price file
(`{"model": {"prompt_per_million": 0.5, "completion_per_million": 1.5}}`, USD per million tokens)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ModelRate", "read_price_file", "reply_cost"]


@dataclass(frozen=True, slots=True)
class ModelRate:
    prompt_per_million: float
    completion_per_million: float


def read_price_file(path: Path) -> dict[str, ModelRate]:
    """The prices in `path`; ValueError naming the file when it is not that format."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
        return {str(model): ModelRate(float(price["prompt_per_million"]), float(price["completion_per_million"]))
                for model, price in entries.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"the price file {path} is not a JSON object of model -> "
                         f"{{prompt_per_million, completion_per_million}}: {exc}") from exc


def reply_cost(prices: Mapping[str, ModelRate], model: str, max_tokens: int) -> float | None:
    """What one full reply (`max_tokens` completion tokens) costs on `model`; None when it has no price."""
    rate = prices.get(model)
    return None if rate is None else max_tokens * rate.completion_per_million / 1_000_000
