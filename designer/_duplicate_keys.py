"""A JSON body that names one key twice in an object is refused with a 400 naming the place, before any decoder
reads it: the decoder keeps the last value and drops the first without a word — a draft's state written twice
loses one, a context's `amount` given twice starts the instance with whichever came last. The definition files
the CLI reads get the same refusal (`duplicate-key`)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException

from engine.validation.parsing import find_duplicate_keys, parse_json

__all__ = ["refuse_duplicate_keys"]


async def refuse_duplicate_keys(request: Request[Any, Any, Any]) -> None:
    """A 400 for a JSON body with a key given twice in one object, naming its place. Runs after the body
    is known to be UTF-8 and not nested too deep; a body that is not JSON is left to the decoder's own error."""
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return
    body = await request.body()
    if body.count(b":") < 2:  # no object of two keys in it (no parse)
        return
    document, problems = parse_json(body)
    if problems:
        return
    twice = list(find_duplicate_keys(document))
    if twice:
        raise ValidationException("Validation failed", extra=[
            {"message": f"the key '{key}' is given twice in one object; a key may appear once (the second value "
                        "would silently replace the first)",
             "key": ".".join(str(token) for token in (*path, key)), "source": "body"} for path, key in twice])
