"""POST /api/instances/{id}/redrive: a failed instance resumed at the state it failed in, by a role that may
operate, recorded in its history; an instance that has not failed is a 409 problem and stays as it was."""

from __future__ import annotations

from typing import Any

import pytest
from designer_support import CHARGE_FLOW, Env, assert_problem, username

from engine.runtime.actions import ActionError, ActionRequest


class Card:
    """A card processor that de-duplicates charges on the idempotency key; `broken` loses every answer."""

    def __init__(self) -> None:
        self.charges: dict[str, int] = {}
        self.broken = True

    def charge(self, request: ActionRequest) -> dict[str, str]:
        self.charges.setdefault(request.idempotency_key, 42)
        if self.broken:
            raise ActionError("network", "the answer was lost", retryable=False)
        return {"charge": request.idempotency_key}


@pytest.fixture(scope="module")
def card(env: Env) -> Card:
    found = Card()
    env.services.engine.register("charge_card", found.charge)
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": CHARGE_FLOW}).json()
    published = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher")
    assert published.status_code == 201, published.text
    return found


def _failed(env: Env, card: Card, tenant: str = "acme") -> dict[str, Any]:
    card.broken = True
    started = env.call("POST", "/api/instances", "analyst", tenant=tenant,
                       json={"workflow_id": "charge_flow", "context": {}})
    assert started.status_code == 201, started.text
    env.services.engine.run_until_idle()
    detail: dict[str, Any] = env.call("GET", f"/api/instances/{started.json()['id']}", "viewer", tenant=tenant).json()
    assert (detail["state"], detail["status"], detail["redrivable"]) == ("charge", "failed", True)
    return detail


def test_an_operator_redrives_a_failed_instance_to_its_end(env: Env, card: Card) -> None:
    failed = _failed(env, card)
    card.broken = False
    response = env.call("POST", f"/api/instances/{failed['id']}/redrive", "publisher")
    assert response.status_code == 200, response.text
    resumed = response.json()
    assert (resumed["state"], resumed["status"], resumed["error"], resumed["redrivable"]) == (
        "charge", "running", None, False)
    env.services.engine.run_until_idle()
    done = env.call("GET", f"/api/instances/{failed['id']}", "viewer").json()
    assert (done["state"], done["status"]) == ("charged", "succeeded")
    key = f"{failed['id']}:1"
    assert card.charges[key] == 42
    assert [k for k in card.charges if k.startswith(failed["id"])] == [key]  # charged once, under the first key
    history = env.call("GET", f"/api/instances/{failed['id']}/history", "viewer").json()["items"]
    redrive = next(h for h in history if h["event"] == "(redrive)")
    assert (redrive["actor"], redrive["from_state"], redrive["to_state"]) == (username("publisher"), "charge", "charge")
    assert redrive["payload"]["error"]["kind"] == "unhandled"


def test_an_instance_that_has_not_failed_is_a_409_and_unchanged(env: Env, card: Card) -> None:
    failed = _failed(env, card)
    card.broken = False
    assert env.call("POST", f"/api/instances/{failed['id']}/redrive", "analyst").status_code == 200
    running = env.call("GET", f"/api/instances/{failed['id']}", "viewer").json()
    refused = env.call("POST", f"/api/instances/{failed['id']}/redrive", "analyst")
    body = assert_problem(refused, 409, "redrive-refused")
    assert "its status is running; only a failed or stuck instance can be redriven" in body["detail"]
    assert env.call("GET", f"/api/instances/{failed['id']}", "viewer").json() == running
    env.services.engine.run_until_idle()
    refused = env.call("POST", f"/api/instances/{failed['id']}/redrive", "analyst")
    assert "its status is succeeded" in assert_problem(refused, 409, "redrive-refused")["detail"]


def test_a_viewer_may_not_and_another_tenant_sees_nothing(env: Env, card: Card) -> None:
    failed = _failed(env, card)
    assert_problem(env.call("POST", f"/api/instances/{failed['id']}/redrive", "viewer"), 403, "forbidden")
    assert_problem(env.call("POST", f"/api/instances/{failed['id']}/redrive", "approver"), 403, "forbidden")
    assert_problem(env.call("POST", f"/api/instances/{failed['id']}/redrive", "admin", tenant="globex"), 404,
                   "instance-not-found")
    assert_problem(env.call("POST", "/api/instances/ghost/redrive", "admin"), 404, "instance-not-found")
    assert env.call("GET", f"/api/instances/{failed['id']}", "viewer").json()["status"] == "failed"


def test_a_redrive_can_correct_the_context_first_and_a_bad_correction_is_a_problem(env: Env, card: Card) -> None:
    failed = _failed(env, card)
    card.broken = False
    path = f"/api/instances/{failed['id']}/redrive"
    assert_problem(env.call("POST", path, "publisher", json={"set": {"not a path": 1}}), 400)
    assert_problem(env.call("POST", path, "publisher", json={"set": "card=ok"}), 400)
    assert_problem(env.call("POST", path, "publisher", json={"fix": {}}), 400)
    assert env.call("GET", f"/api/instances/{failed['id']}", "viewer").json()["status"] == "failed"

    response = env.call("POST", path, "publisher", json={"set": {"card.holder": "A. Customer", "retried": True}})
    assert response.status_code == 200, response.text
    assert {k: response.json()["context"][k] for k in ("card", "retried")} == {
        "card": {"holder": "A. Customer"}, "retried": True}
    history = env.call("GET", f"/api/instances/{failed['id']}/history", "viewer").json()["items"]
    redrive = next(h for h in history if h["event"] == "(redrive)")
    assert redrive["payload"]["set"] == {"card.holder": "A. Customer", "retried": True}
