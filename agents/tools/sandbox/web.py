"""The offline web: `web.search` and `web.scrape` over a shipped corpus of company pages (no network)."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from agents.tools.bm25 import Bm25Index
from agents.tools.errors import ToolError
from agents.tools.sandbox.store import SandboxStore
from agents.tools.sandbox.tables import WebPageRow

__all__ = ["SandboxWeb", "normalise_url"]

Json = dict[str, Any]
SNIPPET_CHARS = 240


def normalise_url(url: str) -> str:
    """'HTTP://Acme.com/about/' and 'https://acme.com/about' name the same page."""
    text = url.strip()
    scheme, _, rest = text.partition("://")
    if not rest:
        scheme, rest = "https", text
    host, _, path = rest.partition("/")
    path = path.rstrip("/")
    return f"{'https' if scheme.lower() in ('http', 'https') else scheme.lower()}://{host.lower()}" + (
        f"/{path}" if path else "")


class SandboxWeb:
    """Implements `agents.tools.interface.Web` over the stored pages."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    def search(self, *, query: str, limit: int = 5) -> Json:
        """Pages ranked by BM25 over title (x3) and text; score 0..1."""
        if not query.strip():
            raise ToolError("web.search", "validation", "an empty query matches nothing")
        with self.store.session() as session:
            pages = list(session.exec(select(WebPageRow).order_by(col(WebPageRow.url))).all())
        index = Bm25Index({p.url: [(p.title, 3), (p.domain, 3), (p.content, 1)] for p in pages})
        by_url = {p.url: p for p in pages}
        results = []
        for found in index.rank(query, limit=limit):
            page = by_url[found.doc_id]
            results.append({"url": page.url, "title": page.title, "domain": page.domain,
                            "snippet": page.content[:SNIPPET_CHARS], "score": round(found.score, 4)})
        return {"query": query, "results": results}

    def scrape(self, *, url: str) -> Json:
        """A page's title and text."""
        with self.store.session() as session:
            page = session.get(WebPageRow, normalise_url(url))
        if page is None:
            raise ToolError("web.scrape", "not_found", f"the offline web has no page at '{url}'")
        return {"url": page.url, "domain": page.domain, "title": page.title, "content": page.content,
                "published": page.published}
