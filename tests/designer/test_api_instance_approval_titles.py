"""An instance's detail shows its pending approvals as the inbox shows them: with the workflow's and the approval
state's titles, from the definition version the instance runs — not a card without them on the instance page."""

from __future__ import annotations

import copy
from typing import Any

from designer_support import Env

DISCOUNTS: dict[str, Any] = {
    "id": "discount_desk",
    "title": "Discount desk",
    "initial": "authorise",
    "states": {
        "authorise": {"type": "approval", "title": "Discount authorisation",
                      "approvers": {"roles": ["sales_manager"]}},
        "granted": {"type": "final", "outcome": "success"},
        "refused": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "authorise", "trigger": "approve", "dest": "granted"},
        {"source": "authorise", "trigger": "reject", "dest": "refused"},
    ],
}
TITLES = ("workflow_title", "state_title")


def _desk(workflow_id: str) -> dict[str, Any]:
    """The desk under an id of the test's own (each test stands alone, in whatever worker runs it)."""
    return {**copy.deepcopy(DISCOUNTS), "id": workflow_id}


def _publish(env: Env, body: dict[str, Any], content: dict[str, Any] | None = None) -> None:
    draft = env.call("POST", "/api/drafts", "analyst", json=body).json()
    if content is not None:
        saved = env.call("PUT", f"/api/drafts/{draft['id']}", "analyst", json={"content": content})
        assert saved.status_code == 200, saved.text
    published = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher")
    assert published.status_code == 201, published.text


def _start(env: Env, workflow_id: str) -> dict[str, Any]:
    started = env.call("POST", "/api/instances", "analyst", json={"workflow_id": workflow_id, "context": {}})
    assert started.status_code == 201, started.text
    reply: dict[str, Any] = started.json()
    return reply


def _titles(card: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(card[k] for k in TITLES)


def _inbox_card(env: Env, instance_id: str) -> dict[str, Any]:
    (card,) = env.call("GET", f"/api/approvals?instance={instance_id}", "approver").json()["items"]
    return dict(card)


def _detail_card(env: Env, instance_id: str) -> dict[str, Any]:
    detail = env.call("GET", f"/api/instances/{instance_id}", "viewer").json()
    (card,) = detail["pending_approvals"]
    return dict(card)


def test_the_instance_detail_titles_its_pending_approvals_as_the_inbox_does(env: Env) -> None:
    _publish(env, {"content": _desk("discount_desk")})
    started = _start(env, "discount_desk")
    (in_reply,) = started["pending_approvals"]  # the start's reply is the instance's detail too
    assert _titles(in_reply) == ("Discount desk", "Discount authorisation")
    card = _detail_card(env, started["id"])
    assert _titles(card) == ("Discount desk", "Discount authorisation")
    assert card == _inbox_card(env, started["id"])  # the same card, field for field


def test_the_titles_are_those_of_the_version_the_instance_runs(env: Env) -> None:
    _publish(env, {"content": _desk("discount_desk_versions")})
    older = _start(env, "discount_desk_versions")
    version_two = _desk("discount_desk_versions")
    version_two["title"] = "Discount desk (v2)"
    version_two["states"]["authorise"]["title"] = "Authorise the discount"
    _publish(env, {"workflow_id": "discount_desk_versions"}, version_two)
    newer = _start(env, "discount_desk_versions")
    assert _titles(_detail_card(env, older["id"])) == ("Discount desk", "Discount authorisation")
    assert _titles(_detail_card(env, newer["id"])) == ("Discount desk (v2)", "Authorise the discount")
    for instance in (older, newer):
        assert _detail_card(env, instance["id"]) == _inbox_card(env, instance["id"])
