"""The sandbox CRM: contacts, companies (accounts), notes and deals."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from agents.tools.errors import ToolError
from agents.tools.sandbox.store import SandboxStore, derived_id, random_id, row_json
from agents.tools.sandbox.tables import CompanyRow, ContactRow, DealRow, NoteRow

__all__ = ["SandboxCrm"]

Json = dict[str, Any]


def _contact(row: ContactRow) -> Json:
    return row_json(row, times=("created_at", "updated_at"))


def _company(row: CompanyRow) -> Json:
    return row_json(row, times=("updated_at",))


def _deal(row: DealRow) -> Json:
    return row_json(row, times=("updated_at",))


def _note(row: NoteRow) -> Json:
    return row_json(row, times=("created_at",))


def _like(column: Any, text: str) -> Any:
    return sa.func.lower(column).contains(text.lower())


class SandboxCrm:
    """Implements `agents.tools.interface.Crm` over the sandbox tables."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    # --- contacts ------------------------------------------------------------------------------------
    def search_contacts(self, *, query: str = "", email: str | None = None, company: str | None = None,
                        limit: int = 10) -> Json:
        """Contacts by exact email (case-insensitive), by company, or whose email, name or company contains query."""
        statement = select(ContactRow)
        if email:
            statement = statement.where(sa.func.lower(ContactRow.email) == email.strip().lower())
        if company:
            statement = statement.where(sa.func.lower(ContactRow.company) == company.strip().lower())
        if query:
            statement = statement.where(sa.or_(_like(ContactRow.email, query), _like(ContactRow.name, query),
                                               _like(ContactRow.company, query)))
        with self.store.session() as session:
            rows = session.exec(statement.order_by(col(ContactRow.id)).limit(limit)).all()
        return {"matches": [_contact(r) for r in rows], "count": len(rows)}

    def create_contact(self, *, email: str, name: str | None = None, title: str | None = None,
                       company: str | None = None, owner: str | None = None, source: str | None = None,
                       status: str = "lead", score: int | None = None,
                       properties: dict[str, Any] | None = None) -> Json:
        """Create a contact; an email already in the CRM returns that contact (created: false)."""
        address = email.strip().lower()
        if "@" not in address:
            raise ToolError("crm.contacts.create", "validation", f"'{email}' is not an email address")
        existing = self.search_contacts(email=address, limit=1)["matches"]
        if existing:
            return {"contact": existing[0], "created": False}
        now = self.store.now()
        contact_id = derived_id("C", address)
        row, created = self.store.insert_once(ContactRow, contact_id, lambda: ContactRow(
            id=contact_id, email=address, name=name, title=title, company=company, owner=owner, source=source,
            status=status, score=score, properties=dict(properties or {}), created_at=now, updated_at=now))
        return {"contact": _contact(row), "created": created}

    def update_contact(self, *, contact_id: str, name: str | None = None, title: str | None = None,
                       company: str | None = None, owner: str | None = None, status: str | None = None,
                       score: int | None = None, properties: dict[str, Any] | None = None) -> Json:
        """Set the given fields; `properties` are merged into the contact's."""
        with self.store.session() as session:
            row = session.get(ContactRow, contact_id, with_for_update=True)
            if row is None:
                raise ToolError("crm.contacts.update", "not_found", f"no contact '{contact_id}'")
            for field, value in (("name", name), ("title", title), ("company", company), ("owner", owner),
                                 ("status", status), ("score", score)):
                if value is not None:
                    setattr(row, field, value)
            if properties:
                row.properties = {**row.properties, **properties}
            row.updated_at = self.store.now()
            session.add(row)
        return {"contact": _contact(row)}

    # --- notes ---------------------------------------------------------------------------------------
    def add_note(self, *, subject_id: str, body: str, subject_type: str = "contact", author: str | None = None,
                 idempotency_key: str | None = None) -> Json:
        """Log a note on a contact, company, deal or ticket."""
        if not body.strip():
            raise ToolError("crm.notes.add", "validation", "a note needs a body")
        note_id = derived_id("N", idempotency_key) if idempotency_key else random_id("N")
        row, created = self.store.insert_once(NoteRow, note_id, lambda: NoteRow(
            id=note_id, subject_type=subject_type, subject_id=subject_id, body=body, author=author,
            created_at=self.store.now()))
        return {"note": _note(row), "created": created}

    def search_notes(self, *, subject_id: str | None = None, query: str = "", limit: int = 20) -> Json:
        """Notes on one subject and/or whose body contains query, newest first."""
        statement = select(NoteRow)
        if subject_id:
            statement = statement.where(NoteRow.subject_id == subject_id)
        if query:
            statement = statement.where(_like(NoteRow.body, query))
        with self.store.session() as session:
            rows = session.exec(statement.order_by(col(NoteRow.created_at).desc(), col(NoteRow.id)).limit(limit)).all()
        return {"notes": [_note(r) for r in rows], "count": len(rows)}

    # --- companies -----------------------------------------------------------------------------------
    def search_companies(self, *, query: str = "", name: str | None = None, domain: str | None = None,
                         limit: int = 10) -> Json:
        """Companies by exact name or domain (case-insensitive), or whose name or domain contains query."""
        statement = select(CompanyRow)
        if name:
            statement = statement.where(sa.func.lower(CompanyRow.name) == name.strip().lower())
        if domain:
            statement = statement.where(sa.func.lower(CompanyRow.domain) == domain.strip().lower())
        if query:
            statement = statement.where(sa.or_(_like(CompanyRow.name, query), _like(CompanyRow.domain, query)))
        with self.store.session() as session:
            rows = session.exec(statement.order_by(col(CompanyRow.id)).limit(limit)).all()
        return {"matches": [_company(r) for r in rows], "count": len(rows)}

    def update_company(self, *, company_id: str, employee_count: int | None = None, industry: str | None = None,
                       tech_stack: list[str] | None = None, owner: str | None = None,
                       properties: dict[str, Any] | None = None) -> Json:
        """Set the given fields; `properties` (e.g. enrichment findings) are merged into the company's."""
        with self.store.session() as session:
            row = session.get(CompanyRow, company_id, with_for_update=True)
            if row is None:
                raise ToolError("crm.companies.update", "not_found", f"no company '{company_id}'")
            if employee_count is not None:
                row.employee_count = employee_count
            if industry is not None:
                row.industry = industry
            if tech_stack is not None:
                row.tech_stack = list(tech_stack)
            if owner is not None:
                row.owner = owner
            if properties:
                row.properties = {**row.properties, **properties}
            row.updated_at = self.store.now()
            session.add(row)
        return {"company": _company(row)}

    def read_account(self, *, company_id: str | None = None, name: str | None = None) -> Json:
        """One company with its contacts and deals."""
        if not company_id and not name:
            raise ToolError("crm.accounts.read", "validation", "give company_id or name")
        with self.store.session() as session:
            row = session.get(CompanyRow, company_id) if company_id else session.exec(
                select(CompanyRow).where(sa.func.lower(CompanyRow.name) == (name or "").strip().lower())).first()
            if row is None:
                raise ToolError("crm.accounts.read", "not_found", f"no company '{company_id or name}'")
            contacts = session.exec(select(ContactRow).where(ContactRow.company == row.name)
                                    .order_by(col(ContactRow.id))).all()
            deals = session.exec(select(DealRow).where(DealRow.company == row.name).order_by(col(DealRow.id))).all()
        return {"account": _company(row), "contacts": [_contact(c) for c in contacts],
                "deals": [_deal(d) for d in deals]}

    # --- deals ---------------------------------------------------------------------------------------
    def search_deals(self, *, company: str | None = None, stage: str | None = None, limit: int = 20) -> Json:
        statement = select(DealRow)
        if company:
            statement = statement.where(sa.func.lower(DealRow.company) == company.strip().lower())
        if stage:
            statement = statement.where(DealRow.stage == stage)
        with self.store.session() as session:
            rows = session.exec(statement.order_by(col(DealRow.id)).limit(limit)).all()
        return {"deals": [_deal(r) for r in rows], "count": len(rows)}

    def update_deal(self, *, deal_id: str, stage: str | None = None, amount_usd: float | None = None,
                    credit: dict[str, Any] | None = None) -> Json:
        """Change a deal; a `credit` ({request_id, amount, ...}) is recorded once per request_id."""
        if credit is not None and not credit.get("request_id"):
            raise ToolError("crm.deals.update", "validation", "a credit needs the request_id it answers")
        with self.store.session() as session:
            row = session.get(DealRow, deal_id, with_for_update=True)
            if row is None:
                raise ToolError("crm.deals.update", "not_found", f"no deal '{deal_id}'")
            if stage is not None:
                row.stage = stage
            if amount_usd is not None:
                row.amount_usd = amount_usd
            applied = False
            if credit is not None:
                credits = dict(row.properties.get("credits", {}))
                applied = credit["request_id"] not in credits
                if applied:
                    credits[credit["request_id"]] = credit
                row.properties = {**row.properties, "credits": credits}
            row.updated_at = self.store.now()
            session.add(row)
        return {"deal": _deal(row), "credit_applied": applied}
