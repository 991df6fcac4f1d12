"""The built browser UI: files under designer/static/ at their path, and index.html for every other page."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File

from designer.settings import Settings

__all__ = ["spa_index", "spa_path"]

_RESERVED_EXACT = {"api", "metrics", "schema"}


def _resolve(root: Path, relative: str) -> Path | None:
    """The file under `root` that `relative` names, never a path outside it."""
    try:
        candidate = (root / relative).resolve()
        candidate.relative_to(root.resolve())
    except (ValueError, OSError):
        return None
    return candidate if candidate.is_file() else None


def _serve(root: Path, relative: str, method: str) -> Response[Any]:
    if relative in _RESERVED_EXACT or relative.startswith(("api/", "schema/")):
        raise NotFoundException(f"no route {method} /{relative}")
    if relative and (found := _resolve(root, relative)) is not None:
        immutable = relative.startswith("assets/")
        media_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        return File(
            found,
            media_type=media_type,
            content_disposition_type="inline",
            headers={"Cache-Control": "public, max-age=31536000, immutable" if immutable else "no-cache"},
        )
    index = _resolve(root, "index.html")
    if index is None:
        raise NotFoundException(
            "the designer UI is not built: run `npm ci && npm run build` in designer/ui (the API works without it)"
        )
    return File(index, media_type="text/html", content_disposition_type="inline", headers={"Cache-Control": "no-cache"})


@get("/", opt={"exclude_from_auth": True}, include_in_schema=False)
async def spa_index(request: Request[Any, Any, Any], settings: NamedDependency[Settings]) -> Response[Any]:
    return _serve(settings.static_dir, "", request.method)


@get("/{path:path}", opt={"exclude_from_auth": True}, include_in_schema=False)
async def spa_path(
    request: Request[Any, Any, Any], settings: NamedDependency[Settings], path: FromPath[str]
) -> Response[Any]:
    """A file of the built UI, or index.html so that the UI's own routes survive a reload."""
    return _serve(settings.static_dir, path.lstrip("/"), request.method)
