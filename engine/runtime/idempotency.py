"""Idempotency keys: the first response to a keyed request is kept, and every repeat gets it back."""

from __future__ import annotations

from engine.errors import ConcurrencyConflict
from engine.runtime.views import InstanceView
from storage.receipts import ReceiptRecord, ReceiptStore
from storage.transaction import Transaction

__all__ = ["keep_response", "kept_response"]


def kept_response(tx: Transaction, scope: str, key: str | None) -> InstanceView | None:
    """The response kept for (scope, key), if this request was made before."""
    if key is None:
        return None
    receipt = ReceiptStore(tx).get(scope, key)
    return None if receipt is None else InstanceView.from_record(receipt.response)


def keep_response(tx: Transaction, scope: str, key: str | None, view: InstanceView, now: float) -> None:
    """Keep the response in the request's own transaction; a concurrent twin that committed first makes this
    one a `ConcurrencyConflict`, and its retry then finds the kept response."""
    if key is not None and not ReceiptStore(tx).put(ReceiptRecord(scope, key, view.id, view.as_record(), now)):
        raise ConcurrencyConflict(f"another request with the idempotency key '{key}' was committed first")
