"""Request bodies typed as the OpenAPI document (JSON Schema) types them.

pydantic's default (lax) validation takes `0` for false and `"3"` for 3, which the document's `boolean` and
`integer` refuse; its strict validation refuses `3.0` for an integer, which JSON Schema counts as the integer
3. Bodies are validated strictly, and a whole number written with a fraction (`3.0`) where an integer is
expected is taken as that integer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, cast, get_args

from litestar import Request
from litestar._signature.types import ExtendedMsgSpecValidationError
from litestar.exceptions import ValidationException
from litestar.plugins.pydantic import PydanticInitPlugin
from pydantic import BaseModel, ValidationError

__all__ = ["JsonSchemaTypedBodies", "refuse_unknown_fields"]

_Location = tuple[int | str, ...]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _whole_number(value: Any) -> bool:
    return isinstance(value, float) and value.is_integer()


def _with_integer_at(value: Any, location: _Location) -> Any:
    """A copy of `value` with the whole float at `location` made an int (unchanged if the path leads nowhere)."""
    if not location:
        return int(value) if _whole_number(value) else value
    key, rest = location[0], location[1:]
    if isinstance(value, dict) and key in value:
        return {**value, key: _with_integer_at(value[key], rest)}
    if isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
        return [*value[:key], _with_integer_at(value[key], rest), *value[key + 1 :]]
    return value


def _at_their_places(error: ValidationError) -> ExtendedMsgSpecValidationError:
    """Each error at its place in the body (`data.mapping.a`), as Litestar's own pydantic decoder reports them:
    a pydantic ValidationError would reach the client as one dump of text under the key 'data'."""
    errors = [{**e, "loc": ("data", *e["loc"])} for e in error.errors(include_url=False, include_input=False)]
    return ExtendedMsgSpecValidationError(errors=errors)


def _decode(model: type[BaseModel], value: Any) -> BaseModel:
    try:
        return model.model_validate(value, strict=True)
    except ValidationError as error:
        whole = [e["loc"] for e in error.errors() if e["type"] == "int_type" and _whole_number(e["input"])]
        if not whole:
            raise _at_their_places(error) from error
    for location in whole:
        value = _with_integer_at(value, location)
    try:
        return model.model_validate(value, strict=True)
    except ValidationError as error:
        raise _at_their_places(error) from error


def _body_model(annotation: Any) -> type[BaseModel] | None:
    """The model a handler's body is read as (`X` of `X | None` too), or None for any other body."""
    if _is_model(annotation):
        return cast("type[BaseModel]", annotation)
    models = [arg for arg in get_args(annotation) if _is_model(arg)]
    return models[0] if len(models) == 1 else None


async def refuse_unknown_fields(request: Request[Any, Any, Any]) -> None:
    """A 400 naming each field of the body its model does not have, as the decoder would give it.

    The request checks run before the decoder, so a body both carrying U+0000 (a 422) and a misspelt field was
    refused for the character: the client fixed it and only then heard of the field, a bug of its own that the
    document names and that it should hear of first. Called only once such a check refused the request (the
    body is parsed again): the cost stays on the rare request refused anyway."""
    model = _body_model(getattr(request.route_handler.parsed_data_field, "annotation", None))
    if model is None:
        return
    try:
        model.model_validate(json.loads(await request.body()))
    except ValueError as error:  # pydantic's ValidationError, or a body that is no JSON
        errors = error.errors(include_url=False, include_input=False) if isinstance(error, ValidationError) else []
        unknown = [{"message": e["msg"], "key": ".".join(str(part) for part in e["loc"]), "source": "body"}
                   for e in errors if e["type"] == "extra_forbidden"]
        if unknown:
            raise ValidationException(f"Validation failed for {request.method} {request.url.path}",
                                      extra=unknown) from error


class JsonSchemaTypedBodies(PydanticInitPlugin):
    """Litestar's pydantic plugin with the body decoder above for pydantic models."""

    @classmethod
    def decoders(cls, validate_strict: bool = False) -> list[tuple[Callable[[Any], bool], Callable[[Any, Any], Any]]]:
        inherited: Sequence[tuple[Callable[[Any], bool], Callable[[Any, Any], Any]]] = super().decoders(validate_strict)
        return [(_is_model, _decode), *inherited]
