"""Idempotency receipts: the first response to a keyed request, kept to answer every repeat."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.codec import dump, load
from storage.transaction import Transaction

__all__ = ["ReceiptRecord", "ReceiptStore"]


@dataclass(frozen=True, slots=True)
class ReceiptRecord:
    scope: str
    key: str
    instance_id: str
    response: Any
    created_at: float
    request: str | None = None  # a digest of what was asked; None on receipts kept before it was recorded


class ReceiptStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def get(self, scope: str, key: str) -> ReceiptRecord | None:
        row = self.tx.one(
            "SELECT scope, key, instance_id, response, created_at, request FROM receipts WHERE scope = ? AND key = ?",
            (scope, key),
        )
        return None if row is None else ReceiptRecord(row[0], row[1], row[2], load(row[3]), float(row[4]), row[5])

    def put(self, r: ReceiptRecord) -> bool:
        """Keep the response; False if a receipt for (scope, key) exists (the caller then lost a race)."""
        changed = self.tx.execute(
            "INSERT INTO receipts (scope, key, instance_id, response, created_at, request) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (scope, key) DO NOTHING",
            (r.scope, r.key, r.instance_id, dump(r.response), r.created_at, r.request),
        )
        return changed == 1
