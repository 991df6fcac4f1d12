"""The OpenAPI document, made to say what the app really sends: problem+json errors, binary diagrams."""

from __future__ import annotations

from litestar import Litestar
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Operation, Reference, Schema
from litestar.openapi.spec.enums import OpenAPIType

from designer._problems import PROBLEM_MEDIA_TYPE
from engine.render import MEDIA_TYPES

__all__ = ["describe_problems"]

_ERRORS = {
    "400": "Malformed request: bad JSON, wrong types, unknown query values",
    "401": "Not signed in, or a bad token",
    "403": "Signed in, but not allowed (role, assignment, CSRF)",
    "404": "No such resource (or not in your tenant)",
    "409": "Conflicts with the current state (refused event, stale save, decided approval)",
    "413": "Body too large",
    "415": "A body sent compressed (Content-Encoding), or a JSON body not sent as application/json",
    "422": "A definition with errors, or data that does not fit the workflow",
    "429": "Too many failed logins",
    "503": "The database or Graphviz is unavailable",
}
_BODY_METHODS = frozenset({"post", "put", "patch"})  # a Content-Encoding is refused on each (415)
_DIAGRAM_SUFFIXES = ("/diagram", "/render")
# Operations that run Graphviz (designer/graphviz_slots.py): their own words for what they add to the errors.
_GRAPHVIZ_SUFFIXES = (*_DIAGRAM_SUFFIXES, "/layout", "/layout/canvas", "/review")
_GRAPHVIZ_ERRORS = {
    "422": "A definition with errors, or a graph with more edges than Graphviz draws in time (diagram-too-large)",
    "429": "Too many diagrams of yours being drawn at once (too-many-diagrams; see Retry-After)",
    "503": "The database or Graphviz is unavailable, or every Graphviz slot stayed taken (see Retry-After)",
}
# Operations anyone may call; Litestar drops a handler's empty `security=[]`, so the document said they were
# secured by the global requirement.
_PUBLIC = frozenset({("/api/health", "get"), ("/api/ready", "get"), ("/api/auth/login", "post")})


def _problem_schema() -> Schema:
    text = Schema(type=OpenAPIType.STRING)
    return Schema(
        type=OpenAPIType.OBJECT,
        title="Problem",
        description="An RFC 9457 problem: every error the API returns.",
        required=["type", "title", "status", "detail"],
        properties={
            "type": text,
            "title": text,
            "status": Schema(type=OpenAPIType.INTEGER),
            "detail": text,
            "instance": text,
            "findings": Schema(type=OpenAPIType.ARRAY, items=Schema(type=OpenAPIType.OBJECT)),
            "errors": Schema(type=OpenAPIType.ARRAY, items=Schema(type=OpenAPIType.OBJECT)),
        },
    )


def _whole_bounds(operation: Operation) -> None:
    """An integer parameter's bounds as integers: Litestar writes `le=2**62` as 4.611686018427388e+18."""
    for parameter in operation.parameters or []:
        schema = getattr(parameter, "schema", None)
        if not isinstance(schema, Schema):
            continue
        for name in ("minimum", "maximum", "exclusive_minimum", "exclusive_maximum"):
            bound = getattr(schema, name)
            if isinstance(bound, float) and bound.is_integer():
                setattr(schema, name, int(bound))


def _operations(app: Litestar) -> list[tuple[str, str, Operation]]:
    openapi = app.openapi_schema
    found: list[tuple[str, str, Operation]] = []
    for path, item in (openapi.paths or {}).items():
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method, None)
            if isinstance(operation, Operation):
                found.append((path, method, operation))
    return found


def describe_problems(app: Litestar) -> None:
    """Rewrite the generated document in place: every error response is a Problem; diagrams are binary."""
    openapi = app.openapi_schema
    assert openapi.components is not None
    schemas = openapi.components.schemas if openapi.components.schemas is not None else {}
    schemas["Problem"] = _problem_schema()
    openapi.components.schemas = schemas
    problem = {PROBLEM_MEDIA_TYPE: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Problem"))}
    for path, method, operation in _operations(app):
        if (path, method) in _PUBLIC:
            operation.security = []
        _whole_bounds(operation)
        responses = operation.responses if operation.responses is not None else {}
        graphviz = path.endswith(_GRAPHVIZ_SUFFIXES)
        for status, description in _ERRORS.items():
            if status != "415" or method in _BODY_METHODS:
                words = _GRAPHVIZ_ERRORS.get(status, description) if graphviz else description
                responses[status] = OpenAPIResponse(description=words, content=problem)
        if path.endswith(_DIAGRAM_SUFFIXES):
            binary = Schema(type=OpenAPIType.STRING)
            success = next(code for code in responses if code.startswith("2"))
            responses[success] = OpenAPIResponse(
                description="The diagram in the requested format.",
                content={mt.split(";")[0]: OpenAPIMediaType(schema=binary) for mt in MEDIA_TYPES.values()},
            )
        if "204" in responses and isinstance(responses["204"], OpenAPIResponse):
            responses["204"].content = None
        operation.responses = responses
