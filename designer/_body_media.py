"""A body is read as JSON only when the request says it is JSON, and only as it was sent: uncompressed; an
endpoint that needs a body says so when it gets none, and one that takes none says so when it gets one.

Litestar decodes a handler's JSON body whatever `Content-Type` the request names. A browser lets any page send a
"simple" cross-site request — `text/plain`, `application/x-www-form-urlencoded` or `multipart/form-data`, no
preflight — so a form on another site could post JSON-looking text to `/api/auth/login` and sign the victim's
browser in to the attacker's account (login CSRF), and a client sending XML by mistake would have it read as
JSON. A body sent with a `Content-Encoding` (gzip…) is not decompressed by the server: it would fail later as
"not valid UTF-8", naming the wrong fault. Both are refused first, with a 415 that says what is taken.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException
from pydantic import BaseModel

from designer.errors import UnsupportedMediaType

__all__ = ["BODY_METHODS", "refuse_unsupported_body", "takes_no_body"]

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_NO_BODY = "no_body_because"
_EMPTY = re.compile(rb"\s*(?:\{\s*\}\s*)?")
# application/json and the structured-syntax suffix (RFC 6839): application/problem+json, application/merge-patch+json
_JSON_MEDIA = re.compile(r"application/(?:[a-z0-9!#$&^_.-]+\+)?json", re.IGNORECASE)


def _refuse_encoding(request: Request[Any, Any, Any]) -> None:
    encoding = request.headers.get("content-encoding", "").strip()
    if encoding and encoding.lower() != "identity":
        raise UnsupportedMediaType(
            f"content encodings are not accepted (Content-Encoding: {encoding[:40]}): send the body uncompressed, "
            "without a Content-Encoding header", headers={"Accept-Encoding": "identity"})


def _refuse_media_type(request: Request[Any, Any, Any]) -> None:
    sent = request.headers.get("content-type", "")
    media = sent.split(";", 1)[0].strip()
    if _JSON_MEDIA.fullmatch(media):
        return
    named = f"Content-Type: {sent.strip()[:80]}" if sent.strip() else "no Content-Type"
    raise UnsupportedMediaType(
        f"this endpoint takes a JSON body, sent with Content-Type: application/json (or application/*+json; a "
        f"charset parameter may follow); this request has {named}")


def takes_no_body(why: str) -> dict[str, str]:
    """The `opt` of a handler that takes no body, saying in words what it works on instead — the reason given when
    a request sends it one."""
    return {_NO_BODY: why}


async def refuse_unsupported_body(request: Request[Any, Any, Any]) -> None:
    """A 415 for a body sent with a Content-Encoding, or a body for a JSON endpoint whose Content-Type is not
    JSON; a 400 for a body sent to an endpoint that takes none. A request without a body is left alone (an
    optional body may be left out; a required one is refused as missing by the decoder)."""
    if request.method not in BODY_METHODS:
        return
    _refuse_encoding(request)
    data = request.route_handler.parsed_data_field
    body = await request.body()
    if data is None:
        _refuse_any_body(request, body)
        return
    if body:
        _refuse_media_type(request)
    if not body.strip() and not data.is_optional:
        raise ValidationException("Validation failed", extra=[{"message": _no_body(data.annotation),
                                                                "source": "body"}])


def _refuse_any_body(request: Request[Any, Any, Any], body: bytes) -> None:
    """An endpoint that takes no body would act without it — `POST /api/drafts/{id}/validate` with a definition in
    the body validated the saved draft and answered for it, as if for what was sent. Nothing (or only blanks, or
    an empty object `{}`, which some clients send for "no body") is no body."""
    if _EMPTY.fullmatch(body):
        return
    why = request.route_handler.opt.get(_NO_BODY)
    raise ValidationException("Validation failed", extra=[{
        "message": f"this endpoint takes no body: send the request without one{f' — {why}' if why else ''}",
        "source": "body"}])


def _no_body(annotation: Any) -> str:
    fields = ""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        required = [name for name, field in annotation.model_fields.items() if field.is_required()]
        if required:
            fields = f" with {', '.join(required)}"
        elif annotation.model_fields:
            fields = f" (its fields: {', '.join(annotation.model_fields)})"
    return (f"the request has no body; this endpoint takes a JSON object{fields}, sent with Content-Type: "
            "application/json (see /schema)")
