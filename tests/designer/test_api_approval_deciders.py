"""An approval no one in the caller's tenant can decide is a warning, `approval-nobody-can-decide`, wherever the
designer checks a definition for someone: validate, analyze, a draft's validation and the publication preview.

An outside tester added an Approval from the palette ("Approver roles: approver"), published it, and the request
reached no one's inbox but the admin's — with 0 warnings on the way. The conftest's tenants: in `acme` every
user holds the approver role `sales_manager`, in `globex` `finance`; the tests that need other people make a
tenant of their own.
"""

from __future__ import annotations

import copy
import pathlib
from functools import partial
from typing import Any

import pytest
from designer_support import MINIMAL_WORKFLOW, PASSWORD, Env, make_settings
from litestar.testing import TestClient

from designer.app import build_services, create_app
from designer.checking import Checker
from designer.deciders import people_of_tenant
from designer.demo import DEMO_TENANT, seed_demo
from designer.security.accounts import AccountService
from designer.store.accounts import AccountStore
from engine.database import create_database_engine
from engine.runtime.actions import ActionRequest
from engine.validation.catalog import Catalog

CODE = "approval-nobody-can-decide"


def _flow(**review: Any) -> dict[str, Any]:
    flow = copy.deepcopy(MINIMAL_WORKFLOW)
    flow["states"]["review"].update(review)
    return flow


def _ours(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["code"] == CODE]


def _validate(env: Env, flow: dict[str, Any], role: str = "analyst", tenant: str = "acme") -> dict[str, Any]:
    response = env.call("POST", "/api/validate", role, tenant, json={"definition": flow})
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def _person(env: Env, name: str, tenant: str, roles: list[str], approver_roles: tuple[str, ...] = ()) -> str:
    """A user of `tenant` (made once per module), and a bearer token of theirs."""
    if env.services.accounts.find_user(name) is None:
        env.services.accounts.add_user(name, PASSWORD, roles=roles, tenant=tenant, approver_roles=approver_roles)
    outcome = env.services.accounts.login(name, PASSWORD)
    return env.services.accounts.create_token(outcome.principal, "deciders").token


def _validate_as(env: Env, token: str, flow: dict[str, Any]) -> dict[str, Any]:
    env.client.cookies.clear()
    response = env.client.post("/api/validate", json={"definition": flow}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def test_a_role_no_one_holds_is_a_warning_that_only_an_admin_can_decide_it(env: Env) -> None:
    report = _validate(env, _flow(approvers={"roles": ["approver"]}))
    assert (report["valid"], report["errors"], report["warnings"]) == (True, 0, 1)
    [finding] = _ours(report)
    assert (finding["severity"], finding["pointer"], finding["states"]) == ("warning", "/states/review/approvers",
                                                                           ["review"])
    message = finding["message"]
    assert message.startswith("Approval 'review': no one in this workspace holds the approver role 'approver'")
    assert "the system role 'approver' is another thing" in message  # the very confusion the tester met
    assert "no one but an admin will see it in their inbox, and only an admin can decide it" in message
    assert message.endswith("Ask an admin to give the role to someone who may decide approvals, or name a role "
                            "people here hold: sales_manager.")


def test_a_role_people_of_the_tenant_hold_is_no_warning_there_and_one_in_another_tenant(env: Env) -> None:
    flow = _flow(approvers={"roles": ["sales_manager"]})
    assert _ours(_validate(env, flow)) == []
    [finding] = _ours(_validate(env, flow, tenant="globex"))
    assert "no one in this workspace holds the approver role 'sales_manager'" in finding["message"]
    assert finding["message"].endswith("name a role people here hold: finance.")


def test_an_approval_naming_only_users_none_of_whom_may_decide_it_is_decidable_by_nobody(env: Env) -> None:
    # a user of another tenant is no one here; a viewer sees the request in their inbox but may not decide it
    flow = _flow(approvers={"roles": [], "users": ["approver-globex", "viewer-acme", "nobody"]})
    [finding] = _ours(_validate(env, flow))
    message = finding["message"]
    assert "there is no user 'approver-globex' in this workspace" in message
    assert "the user 'viewer-acme' may not decide approvals (their roles: viewer)" in message
    assert "there is no user 'nobody' in this workspace" in message
    assert "so nobody can decide it, not even an admin: an admin decides only requests that name a role" in message
    assert message.endswith("Name a user of this workspace who may decide approvals, or name a role people here "
                            "hold: sales_manager.")
    assert _ours(_validate(env, _flow(approvers={"roles": [], "users": ["approver-acme"]}))) == []


def test_a_role_held_only_by_people_who_may_not_decide_or_are_disabled_says_so(env: Env) -> None:
    admin = _person(env, "ada-initech", "initech", ["admin"])
    _person(env, "vic-initech", "initech", ["viewer"], ("auditor",))
    _person(env, "dan-initech", "initech", ["approver"], ("auditor", "treasurer"))
    _person(env, "pat-initech", "initech", ["approver"], ("payroll",))
    env.services.accounts.update_user("dan-initech", disabled=True)
    [finding] = _ours(_validate_as(env, admin, _flow(approvers={"roles": ["auditor", "treasurer"]})))
    message = finding["message"]
    assert ("the approver role 'auditor' is held only by vic-initech, whose system roles do not let them decide "
            "approvals") in message
    assert "only disabled users hold the approver role 'treasurer'" in message
    assert "only an admin can decide it" in message
    assert message.endswith("Ask an admin to give one of the roles to someone who may decide approvals, or name a "
                            "role people here hold: payroll.")


def test_a_tenant_with_no_admin_and_no_approver_roles_is_told_nobody_can_decide(env: Env) -> None:
    analyst = _person(env, "ann-hooli", "hooli", ["analyst"])
    [finding] = _ours(_validate_as(env, analyst, _flow()))
    message = finding["message"]
    assert "so nobody can decide it: this workspace has no enabled admin either" in message
    assert message.endswith("Ask an admin to give the role to someone who may decide approvals: no one here holds "
                            "an approver role yet.")


def test_escalations_policies_and_branches_are_checked_each_with_its_pointer(env: Env) -> None:
    flow = _flow(escalation={"after": "PT30M", "to": {"roles": ["vp_sales"]}})
    flow["policies"] = [
        {"id": "fine", "condition": "true", "outcome": "require_approval", "reason": "r",
         "approvers": {"roles": ["sales_manager"]}},
        {"id": "big", "condition": "true", "outcome": "require_approval", "reason": "r",
         "approvers": {"roles": ["cfo"]}},
        {"id": "no", "condition": "true", "outcome": "deny", "reason": "r", "approvers": {"roles": ["cfo"]}},
    ]
    flow["states"]["fan"] = {"type": "parallel", "branches": [{
        "name": "check", "initial": "sign", "states": {
            "sign": {"type": "approval", "approvers": {"roles": ["legal"]}, "timeout": "PT1H"},
            "signed": {"type": "final", "outcome": "success"}},
        "transitions": [{"source": "sign", "trigger": t, "dest": "signed"} for t in ("approve", "reject", "timeout")],
    }]}
    flow["transitions"] += [{"source": "fan", "trigger": "done", "dest": "done"},
                            {"source": "fan", "trigger": "error", "dest": "refused"}]
    flow["transitions"][0]["dest"] = "fan"
    found = {f["pointer"]: f for f in _ours(_validate(env, flow))}
    assert sorted(found) == ["/policies/1/approvers", "/states/fan/branches/0/states/sign/approvers",
                             "/states/review/escalation/to"]
    escalation = found["/states/review/escalation/to"]["message"]
    assert escalation.startswith("The escalation of approval 'review' (after PT30M): no one in this workspace holds "
                                 "the approver role 'vp_sales'")
    assert "escalating it asks no one new who can decide it" in escalation
    assert found["/policies/1/approvers"]["message"].startswith("Policy 'big' asks for an approval: ")
    assert found["/policies/1/approvers"]["states"] == []
    assert found["/states/fan/branches/0/states/sign/approvers"]["states"] == ["sign"]


def _called(request: ActionRequest) -> dict[str, Any]:
    return {}


def test_a_task_whose_agent_requires_an_approval_from_its_default_role_is_a_warning_at_the_task(env: Env) -> None:
    env.services.engine.register("call_lead", _called)
    env.services.engine.deploy_agent({
        "id": "asking_caller", "type": "bdr", "version": "1.0.0", "name": "Asking caller", "tools": [],
        "model": "gpt-4o-mini", "instructions": "Ask first.", "policies": {"approval_required": True},
    })
    flow = {
        "id": "agent_flow", "title": "A task its agent must have approved", "initial": "call",
        "states": {"call": {"type": "task", "action": "call_lead", "agent": "asking_caller"},
                   "won": {"type": "final", "outcome": "success"}, "lost": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "call", "trigger": "done", "dest": "won"},
                        {"source": "call", "trigger": "error", "dest": "lost"}],
    }
    report = _validate(env, flow)
    assert report["errors"] == 0, report
    [finding] = _ours(report)
    assert (finding["pointer"], finding["states"]) == ("/states/call/agent", ["call"])
    assert finding["message"].startswith("Task 'call' runs agent 'asking_caller', which asks a person to approve each "
                                         "of its actions: no one in this workspace holds the approver role 'approver'")
    assert finding["message"].endswith("or have the agent's policies name a role people here hold: sales_manager.")


def test_an_approval_just_added_shows_the_warning_beside_its_graph_errors(env: Env) -> None:
    flow = _flow(approvers={"roles": ["approver"]})
    flow["transitions"] = [t for t in flow["transitions"] if t["source"] != "review"]
    report = _validate(env, flow)
    assert report["errors"] > 0
    assert [f["pointer"] for f in _ours(report)] == ["/states/review/approvers"]
    analysed = env.call("POST", "/api/analyze", "viewer", json={"definition": _flow(approvers={"roles": ["approver"]})})
    assert analysed.status_code == 200, analysed.text
    assert [f["pointer"] for f in _ours(analysed.json())] == ["/states/review/approvers"]


def test_a_draft_s_validation_and_publication_preview_carry_the_warning_and_publishing_goes_ahead(env: Env) -> None:
    flow = {**_flow(approvers={"roles": ["approver"]}), "id": "nobody_decides"}
    draft = env.call("POST", "/api/drafts", "publisher", json={"content": flow}).json()
    validated = env.call("POST", f"/api/drafts/{draft['id']}/validate", "viewer").json()
    assert [f["pointer"] for f in _ours(validated)] == ["/states/review/approvers"]
    preview = env.call("GET", f"/api/drafts/{draft['id']}/publication", "publisher").json()
    assert (preview["report"]["errors"], preview["report"]["warnings"]) == (0, 1)
    assert [f["pointer"] for f in _ours(preview["report"])] == ["/states/review/approvers"]
    # a publisher of another tenant, whose people hold other roles, sees that tenant's words
    elsewhere = env.call("GET", f"/api/drafts/{draft['id']}/publication", "publisher", "globex").json()
    assert _ours(elsewhere["report"])[0]["message"].endswith("name a role people here hold: finance.")
    published = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher")
    assert published.status_code == 201, published.text


def test_the_tenant_s_people_are_read_on_each_database(database_url: str) -> None:
    database = create_database_engine(database_url)
    try:
        store = AccountStore(database)
        accounts = AccountService(store)
        accounts.add_user("ada", PASSWORD, roles=["admin"], tenant="acme")
        accounts.add_user("sam", PASSWORD, roles=["approver"], tenant="acme", approver_roles=["sales_manager"])
        accounts.add_user("otto", PASSWORD, roles=["approver"], tenant="globex", approver_roles=["approver"])
        checker = Checker(Catalog, people=partial(people_of_tenant, store))
        flow = _flow(approvers={"roles": ["approver"]})
        [finding] = [f for f in checker.load(flow, tenant="acme").findings if f.code == CODE]
        assert finding.message.endswith("name a role people here hold: sales_manager.")
        assert [f for f in checker.load(flow, tenant="globex").findings if f.code == CODE] == []
        accounts.update_user("otto", disabled=True)
        [finding] = [f for f in checker.load(flow, tenant="globex").findings if f.code == CODE]
        assert "only disabled users hold the approver role 'approver'" in finding.message
        assert [f for f in checker.load(flow).findings if f.code == CODE] == []  # no tenant: the CLI's view
    finally:
        database.dispose()


@pytest.fixture
def demo(tmp_path: pathlib.Path) -> Any:
    settings = make_settings(tmp_path, workers=0)
    services = build_services(settings)
    with TestClient(create_app(settings, services=services)) as client:
        yield client, services, {user: password for user, _, password in seed_demo(services).credentials}


def test_the_demo_approver_decides_an_approval_as_the_palette_adds_it(demo: Any) -> None:
    """The tester's path: a new approval names the role `approver`; published and started, the request is in the
    demo approver's inbox (it used to reach only the admin's), and checking it warns of nothing."""
    client, services, passwords = demo

    def bearer(user: str) -> dict[str, str]:
        principal = services.accounts.login(user, passwords[user]).principal
        return {"Authorization": f"Bearer {services.accounts.create_token(principal, 'demo').token}"}

    flow = {**_flow(approvers={"roles": ["approver"], "users": []}), "id": "palette_flow"}
    publisher = bearer("publisher")
    assert _ours(client.post("/api/validate", json={"definition": flow}, headers=publisher).json()) == []
    draft = client.post("/api/drafts", json={"content": flow}, headers=publisher).json()
    assert client.post(f"/api/drafts/{draft['id']}/publish", headers=publisher).status_code == 201
    started = client.post("/api/instances", json={"workflow_id": "palette_flow", "context": {}}, headers=publisher)
    assert started.status_code == 201, started.text
    inbox = client.get("/api/approvals?workflow=palette_flow", headers=bearer("approver")).json()
    assert [a["instance_id"] for a in inbox["items"]] == [started.json()["id"]]
    assert services.accounts.find_user("approver").tenant_id == DEMO_TENANT


def test_an_approval_inside_a_branch_says_the_way_there(env: Env) -> None:
    """Two branches each with an approval `review` nobody can decide: each warning names its branch, as the
    engine's own findings inside a branch do."""
    branch = {key: copy.deepcopy(MINIMAL_WORKFLOW[key]) for key in ("initial", "states", "transitions")}
    branch["states"]["review"]["approvers"] = {"roles": ["nobody_holds_this"]}
    flow: dict[str, Any] = {
        "id": "two_reviews", "title": "Two reviews", "initial": "both",
        "states": {"both": {"type": "parallel", "branches": [{"name": "legal", **branch},
                                                              {"name": "finance", **copy.deepcopy(branch)}]},
                   "done": {"type": "final", "outcome": "success"}, "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "both", "trigger": "done", "dest": "done"},
                        {"source": "both", "trigger": "error", "dest": "failed"}],
    }
    found = {f["pointer"]: f["message"] for f in _ours(_validate(env, flow))}
    assert found["/states/both/branches/0/states/review/approvers"].startswith(
        "In parallel state 'both' \u203a branch 'legal' \u203a state 'review': Approval 'review': ")
    assert found["/states/both/branches/1/states/review/approvers"].startswith(
        "In parallel state 'both' \u203a branch 'finance' \u203a state 'review': Approval 'review': ")
