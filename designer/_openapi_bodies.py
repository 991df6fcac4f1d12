"""Request and response bodies in the OpenAPI document described by pydantic's own JSON Schema.

Litestar's generated schema of a pydantic model drops what pydantic enforces: patterns,
`additionalProperties: false` of `extra="forbid"`, and the rules between fields a model states in its
`json_schema_extra` ("exactly one of …"). pydantic's schema of a model is what it validates (request bodies,
validation mode) and what it writes (responses, serialization mode), so each handler's body and result that
holds a model is described by it, and the models become the document's components under pydantic's names
(a model that validates and serialises differently gets two: `Name-Input`, `Name-Output`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from litestar import Litestar, Response
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import OpenAPI, OpenAPIMediaType, OpenAPIResponse, Operation, RequestBody, Schema
from litestar.routes import HTTPRoute
from litestar.typing import FieldDefinition
from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import JsonSchemaMode

__all__ = ["describe_bodies"]

_REF_TEMPLATE = "#/components/schemas/{model}"
_Side = Literal["request", "response"]
_TEXT = {"type": "string"}
_MODES: dict[_Side, JsonSchemaMode] = {"request": "validation", "response": "serialization"}


@dataclass
class JsonSchema(Schema):
    """A schema written into the document as given (pydantic's JSON Schema), not rebuilt from Litestar's fields."""

    document: dict[str, Any] = field(default_factory=dict)

    def to_schema(self) -> dict[str, Any]:
        return self.document


@dataclass(frozen=True)
class _Body:
    side: _Side
    annotation: Any
    media: dict[str, OpenAPIMediaType]


def _holds_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(argument) for argument in get_args(annotation))


def _returned(handler: HTTPRouteHandler) -> Any:
    returned: FieldDefinition = handler.parsed_return_field
    if returned.is_subclass_of(Response) and returned.inner_types:
        return returned.inner_types[0].annotation
    return returned.annotation


def _operations(app: Litestar, openapi: OpenAPI) -> Iterator[tuple[HTTPRouteHandler, Operation]]:
    for route in app.routes:
        item = (openapi.paths or {}).get(route.path_format or "/")
        if not isinstance(route, HTTPRoute) or item is None:
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                operation = getattr(item, method.lower(), None)
                if isinstance(operation, Operation):
                    yield handler, operation


def _bodies(handler: HTTPRouteHandler, operation: Operation) -> Iterator[_Body]:
    data = handler.parsed_data_field
    if data is not None and isinstance(operation.request_body, RequestBody):
        operation.request_body.required = not data.is_optional
        yield _Body("request", data.annotation, operation.request_body.content)
    success = (operation.responses or {}).get(str(handler.status_code))
    if isinstance(success, OpenAPIResponse) and success.content:
        yield _Body("response", _returned(handler), success.content)


def _describe_files(handler: HTTPRouteHandler, operation: Operation) -> None:
    """A handler that answers in one of several media types names them in `opt["media_types"]`."""
    success = (operation.responses or {}).get(str(handler.status_code))
    media_types = handler.opt.get("media_types")
    if isinstance(success, OpenAPIResponse) and media_types:
        success.content = {
            media: OpenAPIMediaType(schema=JsonSchema(document={} if media.endswith("json") else _TEXT))
            for media in media_types
        }


def describe_bodies(app: Litestar) -> None:
    """Rewrite the generated document in place: every body that holds a pydantic model has pydantic's schema."""
    openapi = app.openapi_schema
    for handler, operation in _operations(app, openapi):
        _describe_files(handler, operation)
    bodies = [body for handler, operation in _operations(app, openapi) for body in _bodies(handler, operation)]
    bodies = [body for body in bodies if _holds_model(body.annotation)]
    inputs = [(index, _MODES[body.side], TypeAdapter(body.annotation)) for index, body in enumerate(bodies)]
    schemas, definitions = TypeAdapter.json_schemas(inputs, ref_template=_REF_TEMPLATE)
    for index, body in enumerate(bodies):
        for media in body.media.values():
            media.schema = JsonSchema(document=schemas[index, _MODES[body.side]])
    assert openapi.components is not None
    generated = openapi.components.schemas or {}
    models = {name: JsonSchema(document=schema) for name, schema in definitions.get("$defs", {}).items()}
    kept = _referenced(openapi, generated, models)
    openapi.components.schemas = dict(sorted({**kept, **models}.items()))


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if isinstance(value.get("$ref"), str):
            yield value["$ref"].removeprefix("#/components/schemas/")
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def _referenced(openapi: OpenAPI, generated: dict[str, Schema], models: dict[str, JsonSchema]) -> dict[str, Schema]:
    """The generated components the document still uses (from an operation, or from another one it uses)."""
    document = openapi.to_schema()
    document.pop("components", None)
    pending = [*_refs(document), *(name for schema in models.values() for name in _refs(schema.document))]
    kept: dict[str, Schema] = {}
    while pending:
        name = pending.pop()
        if name in generated and name not in kept and name not in models:
            kept[name] = generated[name]
            pending.extend(_refs(generated[name].to_schema()))
    return kept
