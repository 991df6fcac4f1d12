"""Checks every request passes before its parameters are read."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException

__all__ = ["refuse_repeated_query_parameters"]


async def refuse_repeated_query_parameters(request: Request[Any, Any, Any]) -> None:
    """Every query parameter of the API is one value: `?status=a&status=b` is refused, not half-read."""
    repeated = sorted(
        {key for key, _ in request.query_params.multi_items() if len(request.query_params.getall(key)) > 1}
    )
    if repeated:
        raise ValidationException(f"query parameter(s) given more than once: {', '.join(repeated)}")
