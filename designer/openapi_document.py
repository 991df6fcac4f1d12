"""The served OpenAPI document, written to a file without serving: the source of the UI's generated API types.

    .venv/bin/python -m designer.openapi_document          # rewrites designer/ui/openapi.json

designer/ui builds `src/api/openapi.gen.ts` from that file with openapi-typescript (`npm run api-types`, part of
`npm run build`). tests/designer/test_openapi_document.py fails when the committed file is not what the app
serves; designer/ui/check_build.sh fails when the generated types are not what the file generates.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from designer.app import build_services, create_app
from designer.settings import Settings

__all__ = ["OPENAPI_FILE", "REGENERATE", "openapi_document", "openapi_text", "write_openapi"]

OPENAPI_FILE = Path(__file__).resolve().parent / "ui" / "openapi.json"
REGENERATE = ".venv/bin/python -m designer.openapi_document && (cd designer/ui && npm run build)"
# The package's version changes with every release; the types do not depend on it, so the file does not either.
_VERSION = "served"


def openapi_document() -> dict[str, Any]:
    """What GET /schema/openapi.json returns, from an app on a throwaway SQLite database."""
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Settings(database_url=f"sqlite:///{Path(tmp) / 'openapi.db'}"))
        try:
            document: dict[str, Any] = create_app(services=services).openapi_schema.to_schema()
        finally:
            services.close()
    document["info"]["version"] = _VERSION
    return document


def openapi_text(document: dict[str, Any]) -> str:
    """The committed form: sorted keys, two-space indent, a final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_openapi(path: Path = OPENAPI_FILE) -> Path:
    path.write_text(openapi_text(openapi_document()), encoding="utf-8")
    return path


if __name__ == "__main__":
    sys.stdout.write(f"{write_openapi(Path(sys.argv[1]) if len(sys.argv) > 1 else OPENAPI_FILE)}\n")
