"""The API docs page works without the internet: rendered on the server, nothing loaded from elsewhere."""

from __future__ import annotations

import re

from designer_support import Env


def test_the_docs_page_lists_every_operation_and_loads_nothing_from_outside(env: Env) -> None:
    response = env.client.get("/schema")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=['\"]https?://", page)
    openapi = env.client.get("/schema/openapi.json").json()
    for path, item in openapi["paths"].items():
        for method in item.keys() & {"get", "post", "put", "patch", "delete"}:
            assert f'<span class="m {method}">{method.upper()}</span> <code>{path}</code>' in page, (method, path)
    assert "application/problem+json" in page
