"""The sandbox knowledge base: articles, and `knowledge.search` ranked with BM25 (scores 0..1)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import col, select

from agents.tools.bm25 import Bm25Index, tokenize
from agents.tools.errors import ToolError
from agents.tools.sandbox.store import SandboxStore, derived_id, random_id, row_json
from agents.tools.sandbox.tables import KnowledgeArticleRow
from engine.runtime.clock import to_datetime

__all__ = ["FIELD_WEIGHTS", "STALE_AFTER_DAYS", "SandboxKnowledge", "article_index"]

Json = dict[str, Any]
STALE_AFTER_DAYS = 90  # the Knowledge Librarian's standard: older content is flagged for review
FIELD_WEIGHTS = {"title": 3, "tags": 2, "content": 1}


def article_index(rows: list[KnowledgeArticleRow]) -> Bm25Index:
    """A BM25 index of articles: the title weighs three times, the tags twice, the body once."""
    return Bm25Index({
        r.id: [(r.title, FIELD_WEIGHTS["title"]), (" ".join(r.tags), FIELD_WEIGHTS["tags"]),
               (r.content, FIELD_WEIGHTS["content"])]
        for r in rows
    })


def _age_days(last_updated: str, now: float) -> int | None:
    try:
        updated = date.fromisoformat(last_updated)
    except ValueError:
        return None
    return (to_datetime(now).date() - updated).days


class SandboxKnowledge:
    """Implements `agents.tools.interface.Knowledge` over the sandbox tables."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    def _published(self) -> list[KnowledgeArticleRow]:
        with self.store.session() as session:
            return list(session.exec(select(KnowledgeArticleRow).where(KnowledgeArticleRow.status == "published")
                                     .order_by(col(KnowledgeArticleRow.id))).all())

    def search(self, *, query: str, category: str | None = None, limit: int = 5) -> Json:
        """Published articles ranked by BM25 relevance (score 0..1, best first). With a category, its articles
        are searched first; when none of them matches, every article is."""
        if not query.strip():
            raise ToolError("knowledge.search", "validation", "an empty query matches nothing")
        rows = self._published()
        index = article_index(rows)
        by_id = {r.id: r for r in rows}
        in_category = [r.id for r in rows if category and r.category == category]
        ranked = index.rank(query, limit=limit, among=in_category) if in_category else []
        scope = "category" if ranked else "all"
        if not ranked:
            ranked = index.rank(query, limit=limit)
        now = self.store.now()
        matches = []
        for found in ranked:
            row = by_id[found.doc_id]
            age = _age_days(row.last_updated, now)
            matches.append({
                "article_id": row.id, "title": row.title, "category": row.category, "score": round(found.score, 4),
                "bm25": round(found.raw, 4), "matched_terms": list(found.matched_terms), "content": row.content,
                "url": row.source or "", "last_updated": row.last_updated,
                "stale": age is not None and age > STALE_AFTER_DAYS,
            })
        return {"query_terms": sorted(set(tokenize(query))), "scope": scope, "matches": matches}

    def create_article(self, *, title: str, category: str, content: str, tags: list[str] | None = None,
                       source: str | None = None, status: str = "published",
                       idempotency_key: str | None = None) -> Json:
        """Add an article (status 'draft' keeps it out of search until it is published)."""
        if not title.strip() or not category.strip():
            raise ToolError("knowledge.articles.create", "validation", "an article needs a title and a category")
        if status not in ("published", "draft"):
            raise ToolError("knowledge.articles.create", "validation", "status is 'published' or 'draft'")
        article_id = derived_id("KB", idempotency_key) if idempotency_key else random_id("KB")
        now = self.store.now()
        today = to_datetime(now).date().isoformat()
        row, created = self.store.insert_once(KnowledgeArticleRow, article_id, lambda: KnowledgeArticleRow(
            id=article_id, title=title, category=category, tags=list(tags or []), content=content, source=source,
            last_updated=today, status=status, created_at=now, updated_at=now))
        return {"article": row_json(row, times=("created_at", "updated_at")), "created": created}

    def update_article(self, *, article_id: str, title: str | None = None, category: str | None = None,
                       content: str | None = None, tags: list[str] | None = None, source: str | None = None,
                       status: str | None = None) -> Json:
        """Change an article; it counts as updated today (its freshness date moves)."""
        with self.store.session() as session:
            row = session.get(KnowledgeArticleRow, article_id, with_for_update=True)
            if row is None:
                raise ToolError("knowledge.articles.update", "not_found", f"no article '{article_id}'")
            for field, value in (("title", title), ("category", category), ("content", content),
                                 ("source", source), ("status", status)):
                if value is not None:
                    setattr(row, field, value)
            if tags is not None:
                row.tags = list(tags)
            now = self.store.now()
            row.updated_at = now
            row.last_updated = to_datetime(now).date().isoformat()
            session.add(row)
        return {"article": row_json(row, times=("created_at", "updated_at"))}
