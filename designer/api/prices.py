"""Model prices (admin only): USD per million prompt and completion tokens, per provider and model, that the
executors cost each model call with — over the price file and the built-in table.

Prices are the deployment's, not a tenant's: the deployment pays the providers, and every tenant's budget is
counted in the same prices. Any tenant's admin may read them; only an admin of the deployment's own tenant
(`Settings.default_tenant`) may change them, since a change applies to every tenant."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter
from litestar.status_codes import HTTP_204_NO_CONTENT
from pydantic import BaseModel, ConfigDict, Field

from designer.api._query_parameters import refuse_undeclared_query_parameters
from designer.errors import Forbidden, NotFound
from designer.security.guards import requires
from designer.security.principal import Principal
from designer.settings import Settings
from engine.runtime.engine import Engine
from engine.runtime.model_prices import MAX_PRICE, ModelPriceView

__all__ = ["ANY", "ModelPriceRead", "ModelPriceWrite", "PriceController"]

ANY = "*"  # the provider of a price that applies on any provider (stored as '')

ProviderName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^(\*|[A-Za-z0-9_.\-]+)$",
                                    description="The provider, e.g. 'openai', 'vllm'; '*' for any provider.")]
ModelName = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$",
                                 description="The model as the provider names it, e.g. 'gpt-4o', "
                                             "'meta-llama/Llama-3.1-70B-Instruct'.")]


class ModelPriceWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: ProviderName = ANY
    model: ModelName
    prompt_per_million: float = Field(ge=0, le=MAX_PRICE, allow_inf_nan=False,
                                      description="USD per million prompt (input) tokens.")
    completion_per_million: float = Field(ge=0, le=MAX_PRICE, allow_inf_nan=False,
                                          description="USD per million completion (output) tokens.")


class ModelPriceRead(BaseModel):
    provider: str = Field(description="The provider; '*' when the price applies on any provider.")
    model: str
    prompt_per_million: float
    completion_per_million: float
    updated_at: float = Field(description="Seconds since the epoch, UTC.")
    updated_by: str | None

    @classmethod
    def of(cls, view: ModelPriceView) -> ModelPriceRead:
        return cls(provider=view.provider or ANY, model=view.model, prompt_per_million=view.prompt_per_million,
                   completion_per_million=view.completion_per_million, updated_at=view.updated_at,
                   updated_by=view.updated_by)


def _stored(provider: str) -> str:
    return "" if provider == ANY else provider


def _may_change(me: Principal, settings: Settings) -> None:
    if me.tenant != settings.default_tenant:
        raise Forbidden(f"model prices apply to every tenant: only an admin of the deployment's tenant "
                        f"'{settings.default_tenant}' may change them")


class PriceController(Controller):
    path = "/api/prices"
    tags = ("prices",)
    middleware = (refuse_undeclared_query_parameters,)
    opt = requires("admin")

    @get("/", summary="The model prices set in the database", sync_to_thread=True)
    def list_prices(self, engine: NamedDependency[Engine]) -> list[ModelPriceRead]:
        return [ModelPriceRead.of(p) for p in engine.model_prices()]

    @put("/", summary="Set a model's price on a provider ('*': any provider)", sync_to_thread=True)
    def set_price(self, data: JSONBody[ModelPriceWrite], me: NamedDependency[Principal],
                  engine: NamedDependency[Engine], settings: NamedDependency[Settings]) -> ModelPriceRead:
        _may_change(me, settings)
        view, _ = engine.set_model_price(data.model, provider=_stored(data.provider), actor=me.username,
                                         prompt_per_million=data.prompt_per_million,
                                         completion_per_million=data.completion_per_million)
        return ModelPriceRead.of(view)

    @delete("/", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True,
            summary="Remove a model's price (the price file's or the built-in one applies again)")
    def remove_price(self, model: Annotated[str, Parameter(min_length=1, max_length=200)],
                     me: NamedDependency[Principal], engine: NamedDependency[Engine],
                     settings: NamedDependency[Settings],
                     provider: Annotated[str, Parameter(max_length=64, pattern=r"^(\*|[A-Za-z0-9_.\-]+)$")] = ANY,
                     ) -> None:
        _may_change(me, settings)
        if not engine.remove_model_price(model, provider=_stored(provider)):
            where = "any provider" if provider == ANY else f"the provider '{provider}'"
            raise NotFound(f"no price is set for the model '{model}' on {where}")
