"""Model prices per provider and model (`model_prices`): listed, set and removed by the deployment's admins."""

from __future__ import annotations

from dataclasses import dataclass

from storage.transaction import Transaction

__all__ = ["PriceRecord", "PriceStore"]

_COLUMNS = "provider, model, prompt_per_million, completion_per_million, updated_at, updated_by"


@dataclass(frozen=True, slots=True)
class PriceRecord:
    provider: str  # '' for the model on any provider
    model: str
    prompt_per_million: float
    completion_per_million: float
    updated_at: float
    updated_by: str | None = None


class PriceStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def list(self) -> list[PriceRecord]:
        rows = self.tx.all(f"SELECT {_COLUMNS} FROM model_prices ORDER BY provider, model")  # noqa: S608
        return [PriceRecord(r[0], r[1], float(r[2]), float(r[3]), float(r[4]), r[5]) for r in rows]

    def put(self, r: PriceRecord) -> bool:
        """Set a price; True when it is new, False when it replaced one."""
        existed = self.tx.execute(
            "UPDATE model_prices SET prompt_per_million = ?, completion_per_million = ?, updated_at = ?, "
            "updated_by = ? WHERE provider = ? AND model = ?",
            (r.prompt_per_million, r.completion_per_million, r.updated_at, r.updated_by, r.provider, r.model),
        )
        if existed:
            return False
        self.tx.execute(
            f"INSERT INTO model_prices ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608
            (r.provider, r.model, r.prompt_per_million, r.completion_per_million, r.updated_at, r.updated_by),
        )
        return True

    def delete(self, provider: str, model: str) -> bool:
        return self.tx.execute("DELETE FROM model_prices WHERE provider = ? AND model = ?", (provider, model)) == 1
