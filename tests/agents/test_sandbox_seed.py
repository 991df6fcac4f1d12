"""Seeding the sandbox from definitions/corpus: every record once, and never over what the flows changed."""

from __future__ import annotations

from agents.tools import Sandbox, ToolRegistry
from agents.tools.sandbox.seed import CORPUS_DIR, load_jsonl


def test_every_corpus_record_is_in_the_sandbox(sandbox: Sandbox, tools: ToolRegistry) -> None:
    crm = load_jsonl(CORPUS_DIR / "crm_records.jsonl")
    contacts = tools.call("crm.contacts.search", {"limit": 100})["matches"]
    assert sorted(c["id"] for c in contacts) == sorted(r["id"] for r in crm if r["kind"] == "contact")
    companies = tools.call("crm.companies.search", {"limit": 100})["matches"]
    assert sorted(c["id"] for c in companies) == sorted(r["id"] for r in crm if r["kind"] == "company")
    tickets = tools.call("helpdesk.tickets.search", {"limit": 100})["tickets"]
    assert sorted(t["id"] for t in tickets) == sorted(r["id"] for r in crm if r["kind"] == "ticket")
    articles = load_jsonl(CORPUS_DIR / "knowledge_articles.jsonl")
    found = tools.call("knowledge.search", {"query": " ".join(a["title"] for a in articles), "limit": 100})
    assert sorted(m["article_id"] for m in found["matches"]) == sorted(a["id"] for a in articles)
    pages = load_jsonl(CORPUS_DIR / "web_pages.jsonl")
    assert all(tools.call("web.scrape", {"url": p["url"]})["title"] == p["title"] for p in pages)


def test_seeding_again_adds_nothing_and_keeps_changes(sandbox: Sandbox, tools: ToolRegistry) -> None:
    tools.call("helpdesk.tickets.update", {"ticket_id": "T-1188", "status": "solved"})
    again = sandbox.seed()
    assert again.total == 0
    assert tools.call("helpdesk.tickets.read", {"ticket_id": "T-1188"})["ticket"]["status"] == "solved"
