"""Seeding the sandbox from the shipped corpus (`definitions/corpus/*.jsonl`), idempotently.

A record whose id is already in the sandbox is left alone, so seeding again neither duplicates anything nor
undoes what the flows changed (a ticket they solved stays solved).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import definitions
from agents.tools.sandbox.store import SandboxStore
from agents.tools.sandbox.tables import (
    AnalyticsEntryRow,
    CompanyRow,
    ContactRow,
    DealRow,
    KnowledgeArticleRow,
    TicketRow,
    WebPageRow,
)
from agents.tools.sandbox.web import normalise_url
from storage.tables.core import table_of

__all__ = ["CORPUS_DIR", "SeedReport", "load_jsonl", "seed_sandbox"]

CORPUS_DIR = definitions.CORPUS_DIR
OPS_METRICS = "ops_metrics"


@dataclass(frozen=True, slots=True)
class SeedReport:
    added: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.added.values())


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """One JSON object per non-empty line."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            value = json.loads(line)
            if not isinstance(value, dict):
                raise ValueError(f"{path.name}:{number}: a record is a JSON object")
            records.append(value)
    return records


def _day(text: str | None, fallback: float) -> float:
    if not text:
        return fallback
    return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC).timestamp()


def _crm_rows(records: Iterable[dict[str, Any]], now: float) -> list[SQLModel]:
    companies = {r["name"]: r for r in records if r.get("kind") == "company"}
    rows: list[SQLModel] = []
    for r in records:
        kind = r.get("kind")
        if kind == "contact":
            rows.append(ContactRow(id=r["id"], email=r["email"].lower(), name=r.get("name"), title=r.get("title"),
                                   company=r.get("company"), owner=r.get("owner"), source="corpus",
                                   status=r.get("status", "customer"), created_at=_day(r.get("created"), now),
                                   updated_at=_day(r.get("created"), now)))
        elif kind == "company":
            rows.append(CompanyRow(id=r["id"], name=r["name"], domain=r.get("domain"),
                                   employee_count=r.get("employee_count"), industry=r.get("industry"),
                                   revenue_usd=r.get("revenue_usd"), tech_stack=list(r.get("tech_stack", [])),
                                   customer=bool(r.get("customer", False)), tier=r.get("tier"),
                                   arr_usd=r.get("arr_usd"), support_team=r.get("support_team"),
                                   owner=r.get("owner"), updated_at=now))
        elif kind == "deal":
            rows.append(DealRow(id=r["id"], company=r["company"], name=r["name"], stage=r["stage"],
                                amount_usd=float(r.get("amount_usd", 0)), close_date=r.get("close_date"),
                                owner=r.get("owner"), updated_at=now))
        elif kind == "ticket":
            team = r.get("team") or companies.get(r.get("company", ""), {}).get("support_team")
            created = _day(r.get("created"), now)
            rows.append(TicketRow(id=r["id"], subject=r["subject"], description=r.get("description", ""),
                                  requester_email=r.get("requester_email"), company=r.get("company"), team=team,
                                  priority=r.get("priority"), category=r.get("category"),
                                  status=r.get("status", "open"), created_at=created, updated_at=created))
    return rows


def _article_rows(records: Iterable[dict[str, Any]], now: float) -> list[SQLModel]:
    return [KnowledgeArticleRow(id=r["id"], title=r["title"], category=r["category"], tags=list(r["tags"]),
                                content=r["content"], source=r.get("source"), last_updated=r["last_updated"],
                                created_at=now, updated_at=now) for r in records]


def _metric_rows(records: Iterable[dict[str, Any]], now: float) -> list[SQLModel]:
    """One ops-metrics snapshot per team: the latest measurement the Ops Sapper reads."""
    return [AnalyticsEntryRow(id=f"{OPS_METRICS}:{r['team']}", dataset=OPS_METRICS, key=r["team"], data=dict(r),
                              recorded_at=now) for r in records]


def _page_rows(records: Iterable[dict[str, Any]], _now: float) -> list[SQLModel]:
    return [WebPageRow(url=normalise_url(r["url"]), domain=r["domain"].lower(), title=r["title"],
                       content=r["content"], published=r.get("published")) for r in records]


_FILES: dict[str, Callable[[list[dict[str, Any]], float], list[SQLModel]]] = {
    "crm_records.jsonl": _crm_rows,
    "knowledge_articles.jsonl": _article_rows,
    "ops_metrics.jsonl": _metric_rows,
    "web_pages.jsonl": _page_rows,
}


def _key_column(row_type: type[SQLModel]) -> sa.Column[Any]:
    """The column a corpus record is known by: its table's primary key (a web page's url, else its id)."""
    (column,) = table_of(row_type).primary_key.columns
    return column


def _add_missing(store: SandboxStore, rows: list[SQLModel]) -> dict[str, int]:
    added: dict[str, int] = {}
    with store.session() as session:
        for row_type in {type(r) for r in rows}:
            key = _key_column(row_type)
            same = [r for r in rows if type(r) is row_type]
            wanted = [getattr(r, key.name) for r in same]
            existing = set(session.execute(sa.select(key).where(key.in_(wanted))).scalars())
            fresh = [r for r in same if getattr(r, key.name) not in existing]
            session.add_all(fresh)
            added[key.table.name] = len(fresh)
    return added


def seed_sandbox(store: SandboxStore, corpus: Path = CORPUS_DIR) -> SeedReport:
    """Add every corpus record the sandbox does not hold yet; how many rows per table were added."""
    now = store.now()
    rows: list[SQLModel] = []
    for name, build in _FILES.items():
        path = corpus / name
        if path.exists():
            rows.extend(build(load_jsonl(path), now))
    try:
        added = _add_missing(store, rows)
    except IntegrityError:  # another process seeded the same rows meanwhile: what is missing now, if anything
        added = _add_missing(store, rows)
    return SeedReport(added)
