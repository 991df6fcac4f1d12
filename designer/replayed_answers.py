"""`Idempotent-Replayed: true`: what an answer carries when the request it answers was a repeat of one already
done — a start or a send under the same idempotency key, the same decision by the same approver — so that a
client retrying after a lost answer can tell "done now" from "done before" (as Stripe's replayed responses say),
without comparing ids or times it may not have kept. A first request's answer carries no such header."""

from __future__ import annotations

from litestar.datastructures import ResponseHeader

__all__ = ["REPLAYED_HEADER", "replayed_header"]

REPLAYED_HEADER = "Idempotent-Replayed"


def replayed_header(when: str) -> ResponseHeader:
    """The header as the OpenAPI document describes it on an operation (`when`: what makes that operation's answer a
    replay; `value` gives the header's type in the document)."""
    return ResponseHeader(name=REPLAYED_HEADER, value="true", documentation_only=True, required=False,
                          description=f"`true` when {when} (as Stripe's replayed responses say); absent otherwise.")
