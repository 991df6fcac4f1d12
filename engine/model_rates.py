"""Model prices, USD per million prompt and completion tokens, as every part of Statewright takes them: the
prices an admin set in the database (`statewright prices set`) over the deployment's price file (named by
`STATEWRIGHT_MODEL_PRICES`, or given) over the built-in list. The executors cost actions with them
(`agents.handlers.pricing.PriceBook`), and the path analysis expects costs with them (`statewright analyze
--paths`, the designer's Paths panel), so the two agree."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = ["BUILT_IN_RATES", "MAX_PRICE", "PRICES_ENV", "PROVIDER_ENV", "ModelRate", "StoredRate",
           "deployment_rates", "over_stored", "price_problem", "read_price_file"]

# a JSON file the deployment owns: {"model": {"prompt_per_million": 0.5, "completion_per_million": 1.5}, ...}
PRICES_ENV = "STATEWRIGHT_MODEL_PRICES"
# whose prices in the database apply to the llm executor (a price for any provider else)
PROVIDER_ENV = "STATEWRIGHT_LLM_PROVIDER"


@dataclass(frozen=True, slots=True)
class ModelRate:
    prompt_per_million: float
    completion_per_million: float


BUILT_IN_RATES: Mapping[str, ModelRate] = {
    "gpt-4o-mini": ModelRate(0.15, 0.60),
    "gpt-4o": ModelRate(2.50, 10.00),
    "gpt-4.1-mini": ModelRate(0.40, 1.60),
    "gpt-4.1": ModelRate(2.00, 8.00),
}


class StoredRate(Protocol):
    """A price set in the database (`storage.prices.PriceRecord`, `Engine.model_prices`)."""

    @property
    def provider(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def prompt_per_million(self) -> float: ...
    @property
    def completion_per_million(self) -> float: ...


MAX_PRICE = 1_000_000.0  # USD per million tokens: far above any listed price, so a typo's extra zeros are refused
_SETTINGS = ("prompt_per_million", "completion_per_million")


def price_problem(value: object) -> str | None:
    """What makes `value` no price (USD per million tokens): None for a finite number from 0 to MAX_PRICE. A
    negative price would cost every action as a refund, a NaN one fail every action when its cost is written."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"is {_shown(value)}, not a number"
    if not 0 <= value <= MAX_PRICE:  # false for a NaN too
        return f"is {_shown(value)}, not a finite number of USD per million tokens from 0 to {MAX_PRICE:,.0f}"
    return None


def _shown(value: object) -> str:
    text = json.dumps(value) if isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else f"{text[:80]}…"


def read_price_file(path: str | Path) -> dict[str, ModelRate]:
    """The prices in the file at `path`; ValueError of one line naming the file — and the model and the setting
    at fault — when it is not that format or holds a price that is not one (`price_problem`)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"the price file {path} cannot be read: {exc.strerror or exc}") from exc
    try:
        entries = json.loads(text)
    except ValueError as exc:  # not JSON
        raise ValueError(f"the price file {path} is not JSON: {exc}") from exc
    if not isinstance(entries, dict):  # a ValueError, as every other fault of the file: its callers catch that
        raise ValueError(f"the price file {path} is not a JSON object of model -> "  # noqa: TRY004
                         f"{{prompt_per_million, completion_per_million}}")
    return {model: _rate(path, model, price) for model, price in entries.items()}


def _rate(path: str | Path, model: str, price: object) -> ModelRate:
    if not isinstance(price, dict):
        raise ValueError(f"the price file {path} is not a JSON object of model -> "  # noqa: TRY004
                         f"{{prompt_per_million, completion_per_million}}: the model {_shown(model)} is given "
                         f"{_shown(price)}")
    for setting in _SETTINGS:
        if setting not in price:
            raise ValueError(f"the price file {path}: the model {_shown(model)} has no {setting}")
        problem = price_problem(price[setting])
        if problem is not None:
            raise ValueError(f"the price file {path}: the {setting} of the model {_shown(model)} {problem}")
    return ModelRate(float(price["prompt_per_million"]), float(price["completion_per_million"]))


def deployment_rates(price_file: str | Path | None = None) -> dict[str, ModelRate]:
    """The built-in prices, overridden and extended by the price file (`price_file`, else the one named by
    STATEWRIGHT_MODEL_PRICES). A model in neither has no price: its cost is unknown."""
    chosen = price_file if price_file is not None else os.environ.get(PRICES_ENV)
    return {**BUILT_IN_RATES, **(read_price_file(chosen) if chosen else {})}


def over_stored(rates: Mapping[str, ModelRate], stored: Iterable[StoredRate],
                provider: str = "") -> dict[str, ModelRate]:
    """`rates` with the database's prices over them: of those, a price for `provider` wins over one for any
    provider (''); a price for another provider does not apply."""
    ordered = sorted(stored, key=lambda r: r.provider == provider)  # the provider's own come last, and win
    return {**rates, **{r.model: ModelRate(r.prompt_per_million, r.completion_per_million)
                        for r in ordered if r.provider in ("", provider)}}
