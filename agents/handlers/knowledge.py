"""The Knowledge Librarian: relevance-ranked lookup (`knowledge.search`, BM25 scored 0..1), recording questions
the knowledge base cannot answer as draft articles to write, and finding the history behind an incident."""

from __future__ import annotations

import hashlib
from typing import Any

from agents.handlers.agent_run import AgentFunction, AgentRun, invalid
from agents.handlers.input_schema import Schema, anything, json_object, list_of, number, takes, text, whole_number

__all__ = ["ACTIONS", "INPUTS", "RELEVANCE_STANDARD"]

RELEVANCE_STANDARD = 0.7  # the Librarian's quality standard: search results must score above it


def search_knowledge(run: AgentRun) -> dict[str, Any]:
    query = str(run.arg("query", "")).strip()
    if not query:
        raise invalid("an empty question cannot be looked up")
    found = run.call("knowledge.search", query=query, category=run.arg("category"), limit=int(run.arg("limit", 3)))
    matches = [{key: m[key] for key in ("article_id", "title", "score", "content", "url", "category", "stale")}
               for m in found["matches"]]
    best = matches[0]["score"] if matches else 0.0
    return {"matches": matches, "best_score": best, "scope": found["scope"],
            "meets_standard": best > RELEVANCE_STANDARD, "stale_articles": [m["article_id"] for m in matches
                                                                            if m["stale"]]}


def record_knowledge_gap(run: AgentRun) -> dict[str, Any]:
    """One draft article per distinct question (however many tickets ask it), for the content plan."""
    query = str(run.arg("query", "")).strip()
    if not query:
        raise invalid("an empty question is not a knowledge gap")
    category = run.arg("category") or "other"
    fingerprint = hashlib.sha256(" ".join(query.lower().split()).encode()).hexdigest()[:16]
    best = float(run.arg("best_score", 0.0))
    made = run.call(
        "knowledge.articles.create", title=f"Unanswered: {query[:120]}", category=category, status="draft",
        content=(f"Asked in ticket {run.arg('ticket_id') or 'unknown'}: {query}\n\nNo published article answered it "
                 f"(best relevance {best:.2f}, the standard is above {RELEVANCE_STANDARD}). Write and publish one."),
        tags=["knowledge-gap", str(run.arg("ticket_id") or "no-ticket")], idempotency_key=f"gap:{fingerprint}",
    )
    return {"gap_id": made["article"]["id"], "new_gap": made["created"], "category": category, "best_score": best,
            "query": query}


def find_historical_context(run: AgentRun) -> dict[str, Any]:
    breaches = list(run.arg("breaches", []))
    incidents: dict[str, dict[str, Any]] = {}
    notes: list[dict[str, Any]] = []
    for account in sorted({str(b.get("account")) for b in breaches if b.get("account")}):
        metrics = " ".join(sorted({str(b.get("metric", "")).replace("_", " ") for b in breaches}))
        found = run.call("knowledge.search", query=f"incident slow {metrics} response status", limit=3)["matches"]
        for match in found:
            incidents[match["article_id"]] = {"article_id": match["article_id"], "title": match["title"],
                                              "score": match["score"]}
        companies = run.call("crm.companies.search", name=account, limit=1)["matches"]
        subject = companies[0]["id"] if companies else account
        for note in run.call("crm.notes.search", subject_id=subject, limit=5)["notes"]:
            notes.append({"account": account, "note_id": note["id"], "body": note["body"][:500],
                          "created_at": note["created_at"]})
    return {"similar_incidents": list(incidents.values()), "account_notes": notes}


ACTIONS: dict[str, AgentFunction] = {
    "search_knowledge": search_knowledge,
    "record_knowledge_gap": record_knowledge_gap,
    "find_historical_context": find_historical_context,
}

INPUTS: dict[str, Schema] = {
    "search_knowledge": takes({
        "query": text("The question, in the asker's words."),
        "category": text("Its articles are searched first."),
        "limit": whole_number("How many matches (default 3)."),
    }, required=["query"]),
    "record_knowledge_gap": takes({
        "query": text("The question no article answered."),
        "category": text("The draft article's category (default other)."),
        "best_score": number("The best match's relevance, 0..1."),
        "ticket_id": anything("The ticket that asked it."),
    }, required=["query"]),
    "find_historical_context": takes({
        "breaches": list_of(json_object("A breach: account, metric."),
                            "The breaches whose accounts' notes and similar incidents are looked up."),
    }),
}
