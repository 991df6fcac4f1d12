"""The API's docs page, self-contained: rendered on the server from the OpenAPI document, no script from a CDN.

Swagger UI and Redoc (at /schema/swagger and /schema/redoc) load their code from the internet; this page
(/schema) works on a machine that has none.
"""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import OpenAPIRenderPlugin

__all__ = ["ReferencePageRenderPlugin"]

_METHODS = ("get", "post", "put", "patch", "delete")
_STYLE = """<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 2rem;color:#1f2933}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #d9e2ec;padding-top:1rem}
.op{border:1px solid #d9e2ec;border-radius:6px;margin:.6rem 0;padding:.5rem .8rem}
.m{display:inline-block;min-width:4.2rem;font-weight:700;font-family:monospace}
.get{color:#0b6e4f}.post{color:#1d4ed8}.put,.patch{color:#9a5b00}.delete{color:#b42318}
code{background:#f0f4f8;padding:0 .25rem;border-radius:3px}table{border-collapse:collapse;margin:.3rem 0}
td,th{border:1px solid #d9e2ec;padding:.15rem .5rem;text-align:left;font-size:14px}
</style>"""


def _schema_name(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"array of {_schema_name(schema.get('items'))}"
    return str(schema.get("type", "object"))


def _body(operation: dict[str, Any]) -> str:
    content = (operation.get("requestBody") or {}).get("content") or {}
    parts = [f"<code>{escape(media)}</code> {escape(_schema_name(spec.get('schema')))}"
             for media, spec in content.items()]
    return f"<p>Body: {', '.join(parts)}</p>" if parts else ""


def _parameters(operation: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p.get('in', ''))}</td>"
        f"<td>{escape(_schema_name(p.get('schema')))}</td><td>{'yes' if p.get('required') else ''}</td>"
        f"<td>{escape(p.get('description') or '')}</td></tr>"
        for p in operation.get("parameters") or []
    )
    header = "<tr><th>parameter</th><th>in</th><th>type</th><th>required</th><th>about</th></tr>"
    return f"<table>{header}{rows}</table>" if rows else ""


def _responses(operation: dict[str, Any]) -> str:
    codes = ", ".join(
        f"<code>{escape(code)}</code> {escape(str(spec.get('description', '')))}"
        for code, spec in sorted((operation.get("responses") or {}).items())
    )
    return f"<p>Responses: {codes}</p>" if codes else ""


def render_reference(openapi: dict[str, Any]) -> str:
    """The whole page: operations grouped by tag, each with its parameters, body and responses."""
    groups: dict[str, list[str]] = {}
    for path, item in sorted((openapi.get("paths") or {}).items()):
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            tag = (operation.get("tags") or ["other"])[0]
            summary = escape(operation.get("summary") or "")
            about = escape(operation.get("description") or "")
            groups.setdefault(tag, []).append(
                f'<div class="op"><span class="m {method}">{method.upper()}</span> <code>{escape(path)}</code>'
                f" — {summary}<div>{about}</div>{_parameters(operation)}{_body(operation)}{_responses(operation)}</div>"
            )
    info = openapi.get("info") or {}
    sections = "".join(f"<h2>{escape(tag)}</h2>{''.join(ops)}" for tag, ops in sorted(groups.items()))
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(info.get('title', 'API'))}"
        f"</title>{_STYLE}</head><body><h1>{escape(info.get('title', 'API'))} {escape(str(info.get('version', '')))}"
        f"</h1><p>{escape(info.get('description') or '')}</p><p>The machine-readable document: "
        "<a href='/schema/openapi.json'>/schema/openapi.json</a>. Errors are <code>application/problem+json</code>."
        f"</p>{sections}</body></html>"
    )


class ReferencePageRenderPlugin(OpenAPIRenderPlugin):
    def __init__(self, path: str = "/") -> None:
        super().__init__(path=path, favicon="", style="")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:  # noqa: ARG002
        return render_reference(openapi_schema).encode()
