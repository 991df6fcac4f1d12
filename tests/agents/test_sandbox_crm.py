"""crm.* tools against the sandbox tables (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from agents.tools import ToolError, ToolRegistry


def test_contacts_are_found_by_email_company_and_text(tools: ToolRegistry) -> None:
    by_email = tools.call("crm.contacts.search", {"email": "  Jane.Smith@GLOBEX.com "})["matches"]
    assert [c["id"] for c in by_email] == ["C-2001"]
    assert by_email[0]["owner"] == "maria.chen@example.com"
    assert [c["id"] for c in tools.call("crm.contacts.search", {"company": "umbrella health"})["matches"]] == ["C-2002"]
    assert [c["id"] for c in tools.call("crm.contacts.search", {"query": "li wei"})["matches"]] == ["C-2002"]
    assert tools.call("crm.contacts.search", {"email": "nobody@example.com"})["matches"] == []


def test_creating_a_contact_twice_makes_one(tools: ToolRegistry) -> None:
    first = tools.call("crm.contacts.create", {"email": "Ann@Example.com", "name": "Ann", "score": 80})
    again = tools.call("crm.contacts.create", {"email": "ann@example.com", "name": "Someone else"})
    assert first["created"] is True
    assert again["created"] is False
    assert again["contact"]["id"] == first["contact"]["id"]
    assert again["contact"]["name"] == "Ann"
    assert first["contact"]["created_at"] == "2030-01-15T12:00:00Z"
    with pytest.raises(ToolError) as bad:
        tools.call("crm.contacts.create", {"email": "not an email"})
    assert bad.value.kind == "validation"


def test_updating_a_contact_merges_properties(tools: ToolRegistry) -> None:
    tools.call("crm.contacts.update", {"contact_id": "C-2001", "status": "lead", "properties": {"a": 1}})
    updated = tools.call("crm.contacts.update", {"contact_id": "C-2001", "properties": {"b": 2}})["contact"]
    assert updated["status"] == "lead"
    assert updated["properties"] == {"a": 1, "b": 2}
    with pytest.raises(ToolError) as missing:
        tools.call("crm.contacts.update", {"contact_id": "C-9999", "status": "lead"})
    assert missing.value.kind == "not_found"


def test_a_note_with_an_idempotency_key_is_added_once(tools: ToolRegistry) -> None:
    note = {"subject_id": "C-2001", "body": "Asked about pricing.", "idempotency_key": "run-1:note"}
    first = tools.call("crm.notes.add", note)
    second = tools.call("crm.notes.add", note)
    assert (first["created"], second["created"]) == (True, False)
    tools.call("crm.notes.add", {"subject_id": "C-2001", "body": "Another inquiry."})
    found = tools.call("crm.notes.search", {"subject_id": "C-2001"})["notes"]
    assert sorted(n["body"] for n in found) == ["Another inquiry.", "Asked about pricing."]
    assert [n["id"] for n in tools.call("crm.notes.search", {"query": "PRICING"})["notes"]] == [first["note"]["id"]]


def test_companies_are_searched_read_as_accounts_and_enriched(tools: ToolRegistry) -> None:
    acme = tools.call("crm.companies.search", {"domain": "ACME.com"})["matches"]
    assert [(c["id"], c["employee_count"]) for c in acme] == [("CO-10", 500)]
    assert [c["id"] for c in tools.call("crm.companies.search", {"query": "glob"})["matches"]] == ["CO-11"]
    tools.call("crm.companies.update", {"company_id": "CO-10", "properties": {"enrichment": {"confidence": 0.8}}})
    account = tools.call("crm.accounts.read", {"name": "Globex"})
    assert account["account"]["tier"] == "enterprise"
    assert [c["id"] for c in account["contacts"]] == ["C-2001"]
    assert [d["id"] for d in account["deals"]] == ["D-501"]
    assert tools.call("crm.accounts.read", {"company_id": "CO-10"})["account"]["properties"] == {
        "enrichment": {"confidence": 0.8}}
    with pytest.raises(ToolError):
        tools.call("crm.accounts.read", {})


def test_a_credit_on_a_deal_is_recorded_once_per_request(tools: ToolRegistry) -> None:
    credit = {"request_id": "T-1", "amount": 500, "currency": "USD"}
    first = tools.call("crm.deals.update", {"deal_id": "D-501", "credit": credit})
    second = tools.call("crm.deals.update", {"deal_id": "D-501", "credit": {**credit, "amount": 900}})
    assert (first["credit_applied"], second["credit_applied"]) == (True, False)
    assert second["deal"]["properties"]["credits"] == {"T-1": credit}
    assert [d["id"] for d in tools.call("crm.deals.search", {"company": "globex", "stage": "negotiation"})["deals"]] \
        == ["D-501"]
    with pytest.raises(ToolError) as bad:
        tools.call("crm.deals.update", {"deal_id": "D-501", "credit": {"amount": 1}})
    assert bad.value.kind == "validation"
