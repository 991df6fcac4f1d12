"""Every error becomes an RFC 9457 problem (`application/problem+json`) with a type, title, status and detail."""

from __future__ import annotations

import logging
import re
from enum import Enum
from http import HTTPStatus
from typing import Any

from jsonschema_rs import ValidationError as SchemaNotUsable
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import ParameterKwarg
from litestar.types import ExceptionHandlersMap
from sqlalchemy.exc import SQLAlchemyError

from designer._echo_limits import PATH_LIMIT, clip_echoes
from designer._error_words import in_words
from designer._path_integers import IntegerPaths, not_an_integer
from designer.errors import DiagramTooLarge, UnsupportedMediaType
from designer.store.refusals import database_refusal
from engine.errors import InvalidDefinition, NotAuthorized, StatewrightError, StorageError
from engine.validation.checks.context_schema import context_schema_finding

__all__ = ["PROBLEM_BASE", "PROBLEM_MEDIA_TYPE", "exception_handlers", "problem_response", "sentence_case"]

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://statewright.dev/problems/"

_log = logging.getLogger("statewright.designer")

_HTTP_SLUGS = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    408: "request-timeout",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    429: "too-many-requests",
    500: "internal-error",
    503: "service-unavailable",
}


_SLUGS: dict[type[StatewrightError], str] = {NotAuthorized: "forbidden"}
_WORD = re.compile(r"[A-Za-z]+")


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def sentence_case(phrase: str) -> str:
    """`Method Not Allowed` as `Method not allowed`: every title the API gives is written so (the errors' own,
    `Not found`, `Invalid input`, are), keeping an acronym (`URI too long`, `CSRF token missing or wrong`)."""
    lowered = _WORD.sub(lambda word: word.group() if len(word.group()) > 1 and word.group().isupper()
                        else word.group().lower(), phrase)
    return lowered[:1].upper() + lowered[1:]


def _title(status: int) -> str:
    """The title of a status the framework raised (a 404 of routing, a 413, a 405), as the API's other titles."""
    try:
        return sentence_case(HTTPStatus(status).phrase)
    except ValueError:
        return "Error"


def problem_response(
    request: Request[Any, Any, Any],
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    """The problem, its texts clipped where they echo the request (designer/_echo_limits.py); a path too long to
    be any of the API's is left out of `instance` rather than repeated."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": clip_echoes(detail),
    }
    if len(request.url.path) <= PATH_LIMIT:
        body["instance"] = request.url.path
    body.update({k: _clipped(k, v) for k, v in extra.items() if v is not None})
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _clipped(name: str, value: Any) -> Any:
    """Each text of `errors`, and each finding's `message`, clipped; a finding's `pointer` stays whole (a
    locator cut short would point elsewhere)."""
    if name not in ("errors", "findings") or not isinstance(value, list):
        return value
    texts = None if name == "errors" else {"message"}
    return [
        {k: clip_echoes(v) if isinstance(v, str) and (texts is None or k in texts) else v for k, v in item.items()}
        if isinstance(item, dict) else item
        for item in value
    ]


STORAGE_RETRY_AFTER_S = 5  # seconds a 503 storage-error asks a client to wait before asking again


def _statewright(request: Request[Any, Any, Any], exc: StatewrightError) -> Response[dict[str, Any]]:
    slug = _SLUGS.get(type(exc)) or getattr(type(exc), "slug", None) or _kebab(type(exc).__name__)
    findings = None
    if isinstance(exc, InvalidDefinition):
        findings = [f.model_dump(mode="json") for f in exc.findings]
    retry_after = getattr(exc, "retry_after_s", None)  # LoginThrottled, TooManyDiagrams, DiagramsBusy
    if retry_after is None and isinstance(exc, StorageError):
        retry_after = STORAGE_RETRY_AFTER_S  # the database is down or busy: a client asks again, not at once
    headers = {"Retry-After": str(retry_after)} if isinstance(retry_after, int) else None
    if isinstance(exc, UnsupportedMediaType):
        headers = exc.headers
    limits = {"edges": exc.edges, "limit": exc.limit} if isinstance(exc, DiagramTooLarge) else {}
    if exc.status >= 500:
        _log.error("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc.detail,
                   extra={"instance_id": request.path_params.get("instance_id", "")})
    return problem_response(
        request, status=exc.status, slug=slug, title=exc.title, detail=exc.detail, headers=headers, findings=findings,
        **limits,
    )


def _as_the_request_spells_it(request: Request[Any, Any, Any], errors: list[Any]) -> list[Any]:
    """Each error with its key as the request spells it — a parameter's own `name` (`?from=`), not the handler's
    argument (`from_version`) — its source as a word (`query`, not `ParamType.QUERY`), a pattern it failed said in
    words (`designer._error_words`) or followed by the parameter's description, and an enum's values."""
    handler = request.scope.get("route_handler")
    parameters = getattr(getattr(handler, "parsed_fn_signature", None), "parameters", {})
    return [_spelt(error, parameters) if isinstance(error, dict) else error for error in errors]


def _spelt(error: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    parameter = parameters.get(str(error.get("key")))
    spelt = in_words(error, getattr(parameter, "annotation", None))
    if isinstance(spelt.get("source"), Enum):
        spelt["source"] = spelt["source"].value
    kwarg = getattr(parameter, "kwarg_definition", None)
    if not isinstance(kwarg, ParameterKwarg):
        return spelt
    spelt["key"] = kwarg.name or spelt.get("key")
    if kwarg.description and "matching regex" in str(spelt.get("message")):
        spelt["message"] = f"{spelt['message']} — {kwarg.description}"
    return spelt


def _validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    errors = _as_the_request_spells_it(request, exc.extra) if isinstance(exc.extra, list) else None
    detail = exc.detail if exc.detail and exc.detail != "Bad Request" else "the request is malformed"
    if errors:
        first = errors[0]
        if isinstance(first, dict) and first.get("message"):
            where = f"{first.get('source', 'body')} {first.get('key') or ''}".strip()
            detail = f"{detail.rstrip('.')}: {where}: {first['message']}"
    return problem_response(request, status=400, slug="bad-request", title="Bad request", detail=detail, errors=errors)


def _context_schema(request: Request[Any, Any, Any], exc: SchemaNotUsable) -> Response[dict[str, Any]]:
    """A workflow whose `context` is no JSON Schema (`{"type": "obejct"}`): the engine cannot check a context
    against it, so starting (or simulating) it is refused as the definition's error, with a pointer to it,
    instead of failing as a bug. Validation refuses such a schema (`invalid-context-schema`) before it is
    deployed; this answers for a version deployed before it did."""
    finding = context_schema_finding(exc)
    return problem_response(request, status=422, slug="invalid-definition", title="Invalid definition",
                            detail=f"the definition has 1 error: {finding.pointer}: {finding.message}",
                            findings=[finding.model_dump(mode="json")])


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    integer_paths = request.app.state.get("integer_paths")
    if status == 404 and isinstance(integer_paths, IntegerPaths):
        misfit = integer_paths.misfit(request.method, request.url.path)
        if misfit is not None:
            return _validation(request, not_an_integer("path", *misfit))
    slug = _HTTP_SLUGS.get(status, f"http-{status}")
    title = "Payload too large" if status == 413 else _title(status)  # its slug's words, not HTTP/1.1's old name
    return problem_response(
        request, status=status, slug=slug, title=title, detail=_said(request, status, exc.detail),
        headers=exc.headers,
    )


def _said(request: Request[Any, Any, Any], status: int, detail: str) -> str:
    """The framework's own detail — only the status's words ('Not Found') for a path no route has, a method it
    does not take, a body too large — said as what went wrong and what to do instead."""
    if detail.lower() != _title(status).lower():
        return detail
    if status == 404:
        return f"no such path: {request.method} {request.url.path} (the API's paths are listed at /schema)"
    if status == 405:
        return f"{request.method} is not taken on {request.url.path}; the Allow header lists what is"
    if status == 413:
        limit = getattr(request.app, "request_max_body_size", None)
        said = f"the {limit / 1_048_576:g} MiB the API takes" if isinstance(limit, int) else "what the API takes"
        return f"the request body is larger than {said}"
    return detail


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    _log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc,
                   extra={"instance_id": request.path_params.get("instance_id", "")})
    return problem_response(
        request,
        status=500,
        slug="internal-error",
        title="Internal server error",
        detail="the server failed to handle this request; it has been logged",
    )


def _database(request: Request[Any, Any, Any], exc: SQLAlchemyError) -> Response[dict[str, Any]]:
    """An error of the designer's own tables (accounts, sessions, tokens, drafts, publication requests), which
    run on SQLAlchemy: the database refusing the work is a 503 with its reason, as the engine's `StorageError`
    is; anything else is a bug (500)."""
    reason = database_refusal(exc)
    if reason is None:
        return _unexpected(request, exc)
    return _statewright(request, StorageError(f"the database refused: {reason}"))


def exception_handlers() -> ExceptionHandlersMap:
    return {
        StatewrightError: _statewright,
        ValidationException: _validation,
        SchemaNotUsable: _context_schema,
        HTTPException: _http,
        SQLAlchemyError: _database,
        Exception: _unexpected,
    }
