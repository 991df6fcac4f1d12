"""Research Recon: a company profile from the CRM and the (offline) web, with its sources and a confidence.

CRM facts come first; the company's own pages fill what the CRM lacks and add the leadership (decision makers at
director level or above) and competitors. The findings are written back to the CRM company.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from agents.handlers.agent_run import AgentFunction, AgentRun
from agents.handlers.input_schema import Schema, takes, text
from agents.handlers.lead_rules import AUTHORITY_LEVELS, authority_level

__all__ = ["ACTIONS", "INPUTS", "page_facts"]

MAX_PAGES = 3
_FACTS = {
    "employee_count": re.compile(r"Employees:\s*([\d,]+)"),
    "industry": re.compile(r"Industry:\s*([^.]+)\."),
    "revenue": re.compile(r"Annual revenue:\s*(?:about\s*)?([\d.]+)\s*(million|billion)\s*USD", re.IGNORECASE),
    "technology": re.compile(r"Technology:\s*([^.]+)\."),
    "leadership": re.compile(r"Leadership:\s*([^.]+)\."),
    "competitors": re.compile(r"Competitors:\s*([^.]+)\."),
}
_PERSON = re.compile(r"\s*(.+?)\s*\(([^)]+)\)\s*")


def page_facts(text: str) -> dict[str, Any]:
    """The facts a company page states: employees, industry, revenue, technology, leadership, competitors."""
    found: dict[str, Any] = {}
    if m := _FACTS["employee_count"].search(text):
        found["employee_count"] = int(m.group(1).replace(",", ""))
    if m := _FACTS["industry"].search(text):
        found["industry"] = m.group(1).strip().lower().replace(" ", "_")
    if m := _FACTS["revenue"].search(text):
        found["revenue_usd"] = float(m.group(1)) * (1e9 if m.group(2).lower() == "billion" else 1e6)
    if m := _FACTS["technology"].search(text):
        found["tech_stack"] = [t.strip() for t in m.group(1).split(",") if t.strip()]
    if m := _FACTS["leadership"].search(text):
        people = [_PERSON.fullmatch(p) for p in m.group(1).split(";")]
        found["people"] = [{"name": p.group(1), "title": p.group(2)} for p in people if p]
    if m := _FACTS["competitors"].search(text):
        found["competitors"] = [c.strip() for c in m.group(1).split(",") if c.strip()]
    return found


def _pages(run: AgentRun, company: str, domain: str | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Facts from the company's own pages (by domain when known), and the sources read."""
    results = run.call("web.search", query=f"{company} {domain or ''}".strip(), limit=8)["results"]
    own = [r for r in results if (domain and r["domain"] == domain) or (not domain and company.lower() in
                                                                          r["title"].lower())][:MAX_PAGES]
    facts: dict[str, Any] = {}
    sources = []
    accessed = datetime.fromtimestamp(run.clock.now(), UTC).date().isoformat()
    for result in own:
        page = run.call("web.scrape", url=result["url"])
        for key, value in page_facts(page["content"]).items():
            facts[key] = facts.get(key, []) + value if isinstance(value, list) else facts.get(key, value)
        sources.append({"url": page["url"], "title": page["title"], "accessed": accessed})
    return facts, sources


def _confidence(profile: dict[str, Any], tech: list[str], makers: list[dict[str, Any]]) -> float:
    known = [profile.get("employee_count") is not None, profile.get("industry") is not None,
             profile.get("revenue_usd") is not None, bool(tech), bool(makers)]
    return round(sum(known) / len(known), 2)


def enrich_company(run: AgentRun) -> dict[str, Any]:
    company = run.arg("company")
    empty = {"company_profile": {}, "competitor_info": {}, "tech_stack": [], "decision_makers": [],
             "enrichment_confidence": 0.0, "sources": []}
    if not company:
        return empty
    crm = run.call("crm.companies.search", name=company, limit=1)["matches"]
    record = crm[0] if crm else {}
    domain = run.arg("domain") or record.get("domain")
    facts, sources = _pages(run, str(company), domain)
    if not record and not facts:
        return empty
    origin: dict[str, str] = {}
    profile: dict[str, Any] = {"name": record.get("name", company), "domain": domain}
    for field in ("employee_count", "industry", "revenue_usd"):
        if record.get(field) is not None:
            profile[field], origin[field] = record[field], "crm"
        elif facts.get(field) is not None:
            profile[field], origin[field] = facts[field], "web"
    profile.update(customer=bool(record.get("customer", False)), tier=record.get("tier"), sources=origin)
    tech = list(dict.fromkeys([*record.get("tech_stack", []), *facts.get("tech_stack", [])]))
    director = AUTHORITY_LEVELS.index("director")
    makers = [{**p, "authority": authority_level(p["title"])} for p in facts.get("people", [])
              if AUTHORITY_LEVELS.index(authority_level(p["title"])) >= director]
    result = {"company_profile": profile, "competitor_info": {"competitors": facts.get("competitors", [])},
              "tech_stack": tech, "decision_makers": makers,
              "enrichment_confidence": _confidence(profile, tech, makers), "sources": sources}
    if record:
        run.call("crm.companies.update", company_id=record["id"], properties={"enrichment": {
            "decision_makers": makers, "competitors": facts.get("competitors", []), "sources": sources,
            "confidence": result["enrichment_confidence"]}})
    return result


ACTIONS: dict[str, AgentFunction] = {"enrich_company": enrich_company}

INPUTS: dict[str, Schema] = {
    "enrich_company": takes({
        "company": text("The company's name; none gives an empty profile."),
        "domain": text("The company's web domain: its own pages are read."),
    }),
}
