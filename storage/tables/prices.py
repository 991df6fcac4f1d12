"""Model prices the deployment's admins set: USD per million prompt and completion tokens, per provider and
model. They override the price file and the built-in table (`agents.handlers.pricing`)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from storage.tables.columns import TIMESTAMP

__all__ = ["ModelPriceRow"]


class ModelPriceRow(SQLModel, table=True):
    __tablename__ = "model_prices"

    provider: str = Field(primary_key=True, max_length=64)  # '' applies to the model on any provider
    model: str = Field(primary_key=True, max_length=200)
    prompt_per_million: float
    completion_per_million: float
    updated_at: float = Field(sa_type=TIMESTAMP)
    updated_by: str | None = Field(default=None, max_length=64)
