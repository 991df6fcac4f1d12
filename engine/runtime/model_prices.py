"""Model prices in the database: USD per million prompt and completion tokens, per provider and model, set by
the deployment's admins. They are the deployment's, not a tenant's: the deployment pays the providers and every
tenant's budget is counted in the same prices. The executors read them over the price file and the built-in
table (`agents.handlers.pricing.PriceBook`)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from engine.errors import InvalidInput
from engine.model_rates import MAX_PRICE
from engine.runtime.core import Runtime
from storage.prices import PriceRecord, PriceStore
from storage.transaction import Transaction

__all__ = ["ANY_PROVIDER", "MAX_PRICE", "ModelPriceView", "list_prices", "remove_price", "set_price"]

ANY_PROVIDER = ""  # a price for the model on whichever provider serves it
_PROVIDER = re.compile(r"^[A-Za-z0-9_.\-]{0,64}$")


@dataclass(frozen=True, slots=True)
class ModelPriceView:
    provider: str
    model: str
    prompt_per_million: float
    completion_per_million: float
    updated_at: float
    updated_by: str | None


def _view(r: PriceRecord) -> ModelPriceView:
    return ModelPriceView(r.provider, r.model, r.prompt_per_million, r.completion_per_million, r.updated_at,
                          r.updated_by)


def _checked(provider: str, model: str) -> tuple[str, str]:
    if not _PROVIDER.match(provider):
        raise InvalidInput(f"the provider '{provider[:80]}' is not a name of up to 64 letters, digits, '_', '.' or '-'")
    if not model.strip() or len(model) > 200 or model != model.strip():
        raise InvalidInput("the model is a name of 1 to 200 characters without surrounding spaces")
    return provider, model


def _rate(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or not (
            0 <= value <= MAX_PRICE):
        raise InvalidInput(f"{name} is USD per million tokens, from 0 to {MAX_PRICE:g}")
    return float(value)


def list_prices(rt: Runtime) -> list[ModelPriceView]:
    return [_view(r) for r in rt.read(lambda tx: PriceStore(tx).list())]


def set_price(rt: Runtime, provider: str, model: str, *, prompt_per_million: float, completion_per_million: float,
              actor: str | None) -> tuple[ModelPriceView, bool]:
    """Set the price of `model` on `provider` ('' for any); the price, and whether it is new."""
    provider, model = _checked(provider, model)
    record = PriceRecord(provider, model, _rate("prompt_per_million", prompt_per_million),
                         _rate("completion_per_million", completion_per_million), rt.clock.now(), actor)

    def work(tx: Transaction) -> bool:
        return PriceStore(tx).put(record)

    return _view(record), rt.write(work)


def remove_price(rt: Runtime, provider: str, model: str) -> bool:
    provider, model = _checked(provider, model)
    return rt.write(lambda tx: PriceStore(tx).delete(provider, model))
