"""customer_escalation above 10,000: "the VP of Sales and the Finance Director must both approve" — one approval
from each role, on a real engine with the shipped handlers. A quorum of two over both roles let two VPs (or two
holders of either role) authorise it; the flow now asks the VP of Sales, then the Finance Director, each in an
approval state of its own, with its own escalation to the CFO and its own 48-hour timeout."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from agents.handlers import OfflineHandlers, shipped_definitions
from engine import Engine, InstanceView, ManualClock, NotAuthorized

VP = "victor.price@example.com"
FINANCE = "fiona.grant@example.com"


def _large_credit() -> dict[str, Any]:
    escalation = shipped_definitions()[0]["customer_escalation"]
    (example,) = [e for e in escalation.examples if e.name == "large_credit_needs_vp_and_finance"]
    return dict(example.context)


def _start(engine: Engine) -> InstanceView:
    run = engine.start("customer_escalation", _large_credit())
    engine.run_until_idle()
    view = engine.get(run.id)
    assert (view.status, view.state) == ("running", "vp_discount_approval")
    return view


def _pending_roles(engine: Engine, instance_id: str) -> list[list[str]]:
    return [sorted(a.roles) for a in engine.approvals(instance_id) if a.status == "pending"]


def _approve(engine: Engine, instance_id: str, actor: str, role: str) -> InstanceView:
    engine.approve(instance_id, actor=actor, roles=[role], comment=f"OK from {role}")
    engine.run_until_idle()
    return engine.get(instance_id)


def test_two_vps_of_sales_do_not_authorise_a_large_credit(offline: OfflineHandlers, engine: Engine) -> None:
    view = _start(engine)
    assert _pending_roles(engine, view.id) == [["vp_sales"]]
    view = _approve(engine, view.id, VP, "vp_sales")
    assert (view.status, view.state) == ("running", "finance_discount_approval")
    assert view.context["vp_authorisation"]["actor"] == VP
    assert "discount_authorisation" not in view.context
    assert _pending_roles(engine, view.id) == [["finance_director"]]
    with pytest.raises(NotAuthorized):
        engine.approve(view.id, actor="victor2@example.com", roles=["vp_sales"], comment="me too")
    engine.run_until_idle()
    view = engine.get(view.id)
    assert (view.status, view.state) == ("running", "finance_discount_approval")
    assert offline.sandbox.crm.search_deals(company="Globex")["deals"][0]["properties"].get("credits") is None


def test_a_vp_of_sales_and_then_a_finance_director_authorise_it(offline: OfflineHandlers, engine: Engine) -> None:
    view = _start(engine)
    with pytest.raises(NotAuthorized):  # the Finance Director decides second, never in the VP's place
        engine.approve(view.id, actor=FINANCE, roles=["finance_director"])
    _approve(engine, view.id, VP, "vp_sales")
    view = _approve(engine, view.id, FINANCE, "finance_director")
    assert (view.status, view.state) == ("succeeded", "resolved"), view.error
    assert view.context["discount_authorisation"]["actor"] == FINANCE
    credit = offline.sandbox.crm.search_deals(company="Globex")["deals"][0]["properties"]["credits"]["T-3001"]
    assert (credit["amount"], credit["approved_by"]) == (15000, FINANCE)


def test_the_finance_directors_rejection_rejects_after_the_vps_approval(offline: OfflineHandlers,
                                                                      engine: Engine) -> None:
    view = _start(engine)
    _approve(engine, view.id, VP, "vp_sales")
    engine.reject(view.id, actor=FINANCE, roles=["finance_director"], comment="Not this quarter.")
    engine.run_until_idle()
    view = engine.get(view.id)
    assert (view.state, view.result["decided_by"]) == ("rejected", FINANCE)


def test_each_step_has_its_own_cfo_escalation_and_timeout(offline: OfflineHandlers, engine: Engine,
                                                          clock: ManualClock) -> None:
    view = _start(engine)
    clock.advance(timedelta(hours=25))
    engine.run_until_idle()
    assert _pending_roles(engine, view.id) == [["cfo", "vp_sales"]]  # the CFO is asked too
    view = _approve(engine, view.id, VP, "vp_sales")
    assert _pending_roles(engine, view.id) == [["finance_director"]]  # a fresh request, a fresh clock
    clock.advance(timedelta(hours=47))
    engine.run_until_idle()
    assert engine.get(view.id).state == "finance_discount_approval"
    clock.advance(timedelta(hours=2))
    engine.run_until_idle()
    view = engine.get(view.id)
    assert (view.state, view.result["decided_by"]) == ("rejected", "timeout")
