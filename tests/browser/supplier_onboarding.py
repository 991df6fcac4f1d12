"""A 20-state flow as a business analyst draws one: supplier onboarding, with a review state whose id is a prefix
of another's (`review`, `review_docs`), and a choice whose guards differ only at their ends (the region). Used by
the browser tests of the canvas at real size."""

from __future__ import annotations

from typing import Any

__all__ = ["EU_GUARD", "US_GUARD", "supplier_onboarding"]

EU_GUARD = 'context.score >= 80 && context.region == "EU"'
US_GUARD = 'context.score >= 80 && context.region == "US"'


def _task(title: str, action: str, output: str | None = None) -> dict[str, Any]:
    state: dict[str, Any] = {"type": "task", "title": title, "action": action}
    if output:
        state["output"] = output
    return state


def _approval(title: str, role: str) -> dict[str, Any]:
    return {"type": "approval", "title": title, "approvers": {"roles": [role]}, "timeout": "P5D"}


def supplier_onboarding(layout: bool = False) -> dict[str, Any]:
    """The flow; with `layout`, every state has a saved position (a column, as a file might carry one)."""
    states: dict[str, Any] = {
        "intake": _task("Receive the application", "receive_application", "application"),
        "check_documents": _task("Check the documents", "check_documents", "documents"),
        "review_docs": _approval("Review the documents", "procurement"),
        "score": _task("Score the supplier", "score_supplier", "scoring"),
        "route_region": {"type": "choice", "title": "Route by score and region"},
        "eu_compliance": _task("EU compliance check", "check_eu_compliance"),
        "us_compliance": _task("US compliance check", "check_us_compliance"),
        "review": _approval("Manual review", "procurement_lead"),
        "request_info": {
            "type": "wait",
            "title": "Wait for more information",
            "event": {"type": "supplier_info", "correlation": "application_id"},
            "timeout": "P14D",
        },
        "sanctions_check": _task("Sanctions screening", "screen_sanctions", "sanctions"),
        "risk_route": {"type": "choice", "title": "Route by risk"},
        "legal_review": _approval("Legal review", "legal"),
        "finance_setup": _task("Set up payment terms", "set_up_payment_terms"),
        "contract_draft": _task("Draft the contract", "draft_contract", "contract"),
        "contract_sign": {
            "type": "wait",
            "title": "Wait for the signed contract",
            "event": {"type": "contract_signed", "correlation": "application_id"},
            "timeout": "P30D",
        },
        "erp_account": _task("Create the ERP supplier account", "create_erp_account"),
        "notify_supplier": _task("Welcome the supplier", "send_welcome"),
        "onboarded": {"type": "final", "title": "Onboarded", "outcome": "success"},
        "rejected": {"type": "final", "title": "Rejected", "outcome": "failure"},
        "withdrawn": {"type": "final", "title": "Withdrawn", "outcome": "failure"},
    }
    transitions: list[dict[str, Any]] = [
        {"source": "intake", "trigger": "done", "dest": "check_documents"},
        {"source": "check_documents", "trigger": "done", "dest": "review_docs"},
        {"source": "check_documents", "trigger": "error", "dest": "request_info"},
        {"source": "review_docs", "trigger": "approve", "dest": "score"},
        {"source": "review_docs", "trigger": "reject", "dest": "request_info"},
        {"source": "review_docs", "trigger": "timeout", "dest": "review"},
        {"source": "score", "trigger": "done", "dest": "route_region"},
        {"source": "route_region", "dest": "eu_compliance", "guard": EU_GUARD, "priority": 3},
        {"source": "route_region", "dest": "us_compliance", "guard": US_GUARD, "priority": 2},
        {"source": "route_region", "dest": "rejected", "guard": "context.score < 50", "priority": 1},
        {"source": "route_region", "dest": "review"},
        {"source": "eu_compliance", "trigger": "done", "dest": "sanctions_check"},
        {"source": "us_compliance", "trigger": "done", "dest": "sanctions_check"},
        {"source": "review", "trigger": "approve", "dest": "sanctions_check"},
        {"source": "review", "trigger": "reject", "dest": "rejected"},
        {"source": "review", "trigger": "timeout", "dest": "rejected"},
        {"source": "request_info", "trigger": "done", "dest": "check_documents"},
        {"source": "request_info", "trigger": "timeout", "dest": "withdrawn"},
        {"source": "sanctions_check", "trigger": "done", "dest": "risk_route"},
        {"source": "risk_route", "dest": "legal_review", "guard": "sanctions.hits > 0", "priority": 1},
        {"source": "risk_route", "dest": "finance_setup"},
        {"source": "legal_review", "trigger": "approve", "dest": "finance_setup"},
        {"source": "legal_review", "trigger": "reject", "dest": "rejected"},
        {"source": "legal_review", "trigger": "timeout", "dest": "rejected"},
        {"source": "finance_setup", "trigger": "done", "dest": "contract_draft"},
        {"source": "contract_draft", "trigger": "done", "dest": "contract_sign"},
        {"source": "contract_sign", "trigger": "done", "dest": "erp_account"},
        {"source": "contract_sign", "trigger": "timeout", "dest": "withdrawn"},
        {"source": "erp_account", "trigger": "done", "dest": "notify_supplier"},
        {"source": "notify_supplier", "trigger": "done", "dest": "onboarded"},
    ]
    flow: dict[str, Any] = {
        "id": "supplier_onboarding",
        "title": "Supplier onboarding",
        "initial": "intake",
        "context": {
            "type": "object",
            "properties": {
                "application_id": {"type": "string"},
                "score": {"type": "number"},
                "region": {"enum": ["EU", "US", "APAC"]},
            },
        },
        "states": states,
        "transitions": transitions,
    }
    if layout:
        flow["layout"] = {sid: {"x": 0, "y": i * 130} for i, sid in enumerate(states)}
    return flow
