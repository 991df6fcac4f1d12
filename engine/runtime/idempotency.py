"""Idempotency keys: the first response to a keyed request is kept, and every repeat gets it back.

A repeat must ask what the first request asked (the same event and payload, the same start, the same decision,
by the same actor): each receipt keeps a digest of it, and a key sent again with another request is refused with
`InvalidInput` — answering it with the first request's response would tell the caller that something it did not
ask for was done. Receipts kept before the digest was recorded answer any repeat, as they did."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from engine.errors import ConcurrencyConflict, InvalidInput
from engine.runtime.views import InstanceView
from storage.receipts import ReceiptRecord, ReceiptStore
from storage.transaction import Transaction

__all__ = ["actor_scope", "keep_response", "kept_response", "kept_response_of", "request_digest"]


def request_digest(key: str | None, **asked: Any) -> str:
    """A digest of what a keyed request asks for (its fields as JSON, keys sorted); empty without a key (nothing
    is kept to compare it with, and a send without one should not pay for it)."""
    if key is None:
        return ""
    text = json.dumps(asked, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def actor_scope(scope: str, actor: str) -> str:
    """`scope` narrowed to one actor, so the same key sent by another actor is another request (as a payment API
    scopes keys to the account that sent them). The actor is named by a digest: a scope is at most 200
    characters, an actor up to 200 too, and a digest cannot be mistaken for a part of the scope."""
    return f"{scope}:by:{hashlib.sha256(actor.encode('utf-8', 'surrogatepass')).hexdigest()}"


def kept_response_of(tx: Transaction, scope: str, key: str | None, request: str) -> InstanceView | None:
    """The response kept for (scope, key) only when its receipt records this very request (`request` is its
    `request_digest`); a receipt of another request, or one kept before requests were recorded, is not this
    request's and answers nothing (and refuses nothing). For receipts kept under a scope since narrowed: there a
    key may have been another actor's, which the digest alone tells apart."""
    if key is None:
        return None
    receipt = ReceiptStore(tx).get(scope, key)
    if receipt is None or receipt.request is None or receipt.request != request:
        return None
    return InstanceView.from_record(receipt.response, replayed=True)


def kept_response(tx: Transaction, scope: str, key: str | None, request: str,
                  refusal: Callable[[InstanceView], str] | None = None) -> InstanceView | None:
    """The response kept for (scope, key), if this request was made before; `InvalidInput` when the key was
    used for another request (`request` is its `request_digest`), saying `refusal(first response)` if given."""
    if key is None:
        return None
    receipt = ReceiptStore(tx).get(scope, key)
    if receipt is None:
        return None
    kept = InstanceView.from_record(receipt.response, replayed=True)
    if receipt.request is not None and receipt.request != request:
        raise InvalidInput(refusal(kept) if refusal is not None else (
            f"the idempotency key '{key}' was used before for another request (a repeat must send the same "
            "event, payload, decision or start as the first); use a new key for this one"))
    return kept


def keep_response(tx: Transaction, scope: str, key: str | None, view: InstanceView, *, now: float,
                  request: str) -> None:
    """Keep the response in the request's own transaction; a concurrent twin that committed first makes this
    one a `ConcurrencyConflict`, and its retry then finds the kept response."""
    if key is not None and not ReceiptStore(tx).put(ReceiptRecord(scope, key, view.id, view.as_record(), now,
                                                                  request)):
        raise ConcurrencyConflict(f"another request with the idempotency key '{key}' was committed first")
