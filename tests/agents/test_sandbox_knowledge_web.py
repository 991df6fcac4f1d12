"""knowledge.search (BM25 over the stored articles), articles created and updated, and the offline web."""

from __future__ import annotations

import pytest

from agents.tools import ToolError, ToolRegistry
from engine import ManualClock


def test_the_password_ticket_finds_kb_101_above_the_threshold(tools: ToolRegistry) -> None:
    found = tools.call("knowledge.search", {"query": "Locked out after password reset I can't sign in, my account "
                                                     "is locked.", "category": "account", "limit": 3})
    assert found["scope"] == "category"
    assert found["matches"][0]["article_id"] == "KB-101"
    assert found["matches"][0]["score"] > 0.8
    assert found["matches"][0]["url"] == "https://help.example.com/articles/kb-101"
    assert "lock" in found["query_terms"]


def test_an_unanswerable_question_stays_below_the_threshold(tools: ToolRegistry) -> None:
    found = tools.call("knowledge.search", {"query": "Air-gapped on-premise installation in our network",
                                            "category": "product"})
    assert all(m["score"] < 0.8 for m in found["matches"])
    assert found["scope"] == "all"  # nothing in the category matched: every article was searched


def test_stale_articles_are_flagged(tools: ToolRegistry) -> None:
    found = tools.call("knowledge.search", {"query": "service status incident updates"})["matches"]
    assert found[0]["article_id"] == "KB-601"
    assert found[0]["stale"] is True  # last updated 2025-06-01, more than 90 days before 2030


def test_drafts_stay_out_of_search_until_published(tools: ToolRegistry, clock: ManualClock) -> None:
    made = tools.call("knowledge.articles.create", {
        "title": "Run the product on-premise in an air-gapped network", "category": "product", "status": "draft",
        "content": "On-premise installation is available for air-gapped networks.", "tags": ["on-premise"],
        "idempotency_key": "gap:1"})
    assert tools.call("knowledge.articles.create", {"title": "x", "category": "product", "content": "y",
                                                    "idempotency_key": "gap:1"})["created"] is False
    query = {"query": "air-gapped on-premise installation"}
    assert made["article"]["id"] not in [m["article_id"] for m in tools.call("knowledge.search", query)["matches"]]
    clock.advance(86400)
    updated = tools.call("knowledge.articles.update", {"article_id": made["article"]["id"], "status": "published"})
    assert updated["article"]["last_updated"] == "2030-01-16"
    best = tools.call("knowledge.search", query)["matches"][0]
    assert (best["article_id"], best["score"] > 0.8) == (made["article"]["id"], True)
    with pytest.raises(ToolError) as missing:
        tools.call("knowledge.articles.update", {"article_id": "KB-0", "title": "x"})
    assert missing.value.kind == "not_found"
    with pytest.raises(ToolError):
        tools.call("knowledge.search", {"query": "  "})


def test_the_offline_web_is_searched_and_scraped(tools: ToolRegistry) -> None:
    results = tools.call("web.search", {"query": "Acme Corp leadership"})["results"]
    assert results[0]["url"] == "https://acme.com/about/leadership"
    assert 0 < results[0]["score"] <= 1
    page = tools.call("web.scrape", {"url": "HTTP://Acme.com/about/leadership/"})
    assert "John Doe (VP Sales)" in page["content"]
    with pytest.raises(ToolError) as missing:
        tools.call("web.scrape", {"url": "https://example.org/"})
    assert missing.value.kind == "not_found"
