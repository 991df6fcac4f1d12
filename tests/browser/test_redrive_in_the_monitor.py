"""The instance monitor's Redrive button: a parent whose subflow failed is resumed once the subflow is fixed
(a new version published), and the page shows it completing; a viewer, and an instance that has not
failed, are not offered the button."""

from __future__ import annotations

import time
from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CHILD: dict[str, Any] = {
    "id": "redrive_charge",
    "title": "Charge (redrive demo)",
    "initial": "charged",
    "states": {"charged": {"type": "final", "outcome": "success"}},
    "transitions": [],
    "policies": [{"id": "card_frozen", "condition": "true", "outcome": "deny",
                  "reason": "the card processor is frozen", "action_required": "publish a version without it"}],
}
PARENT: dict[str, Any] = {
    "id": "redrive_order",
    "title": "Order (redrive demo)",
    "initial": "charge",
    "states": {"charge": {"type": "subflow", "workflow": "redrive_charge"},
               "shipped": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "charge", "trigger": "done", "dest": "shipped"}],
}


def _publish(server: LiveServer, token: str, content: dict[str, Any]) -> None:
    draft = server.api("POST", "/api/drafts", {"content": content}, token=token)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", token=token)


def _fix_the_child(server: LiveServer, token: str) -> None:
    """Version 2 of the child, without the policy that denied every start."""
    draft = server.api("POST", "/api/drafts", {"workflow_id": CHILD["id"]}, token=token)
    content = {**draft["content"], "policies": []}
    server.api("PUT", f"/api/drafts/{draft['id']}", {"content": content}, token=token)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", token=token)


def _until_failed(server: LiveServer, token: str, instance_id: str) -> dict[str, Any]:
    """The server's own worker hears of the child's failure; wait for it to fail the parent."""
    for _ in range(300):
        found: dict[str, Any] = server.api("GET", f"/api/instances/{instance_id}", token=token)
        if found["status"] != "running":
            return found
        time.sleep(0.05)
    raise AssertionError(f"the instance {instance_id} did not fail")


def test_the_button_redrives_a_failed_instance_to_its_end(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    _publish(server, token, CHILD)
    _publish(server, token, PARENT)
    started = server.api("POST", "/api/instances", {"workflow_id": PARENT["id"], "context": {}}, token=token)
    failed = _until_failed(server, token, started["id"])
    assert (failed["state"], failed["status"], failed["redrivable"]) == ("charge", "failed", True)

    viewer = sign_in("viewer")
    viewer.goto(f"/instances/{started['id']}")
    expect(viewer.get_by_test_id("instance-status")).to_have_text("failed")
    expect(viewer.get_by_test_id("op-redrive")).to_have_count(0)

    page = sign_in("analyst")
    page.goto(f"/instances/{started['id']}")
    expect(page.get_by_test_id("instance-status")).to_have_text("failed")
    expect(page.get_by_test_id("redrive")).to_contain_text("charge")
    screenshot(page, "instance-failed-redrive")
    _fix_the_child(server, token)
    page.get_by_test_id("op-redrive").click()

    expect(page.get_by_test_id("instance-status")).to_have_text("succeeded")
    expect(page.get_by_test_id("instance-state")).to_have_text("shipped")
    expect(page.get_by_test_id("op-redrive")).to_have_count(0)
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("(redrive)")
    expect(timeline).to_contain_text(server.users["analyst"].username)
    screenshot(page, "instance-redriven")


SIZED: dict[str, Any] = {
    "id": "redrive_sized",
    "title": "Sized (redrive with a correction)",
    "initial": "route",
    "context": {"type": "object", "properties": {"size": {}}},
    "states": {"route": {"type": "choice"},
               "done": {"type": "final", "outcome": "success", "result": {"kilobytes": "size * 1024"}}},
    "transitions": [{"source": "route", "dest": "done"}],
}


def test_the_context_is_corrected_and_the_instance_redriven_from_the_page(server: LiveServer, sign_in: SignIn) -> None:
    """The result cannot be worked out from a size given as text; the operator writes the right size and
    redrives in one go. A correction that is no JSON is said so, and the instance stays failed."""
    token = server.token("analyst")
    _publish(server, token, SIZED)
    started = server.api("POST", "/api/instances", {"workflow_id": SIZED["id"], "context": {"size": "big"}},
                         token=token)
    failed = _until_failed(server, token, started["id"])
    assert (failed["state"], failed["status"], failed["redrivable"]) == ("done", "failed", True)

    page = sign_in("analyst")
    page.goto(f"/instances/{started['id']}")
    expect(page.get_by_test_id("instance-status")).to_have_text("failed")
    page.get_by_test_id("redrive-set").fill("size: 3")
    expect(page.get_by_test_id("redrive-set-problem")).to_contain_text("Not valid JSON yet")
    expect(page.get_by_test_id("op-redrive")).to_be_disabled()
    expect(page.get_by_test_id("instance-status")).to_have_text("failed")

    page.get_by_test_id("redrive-set").fill('{"size": 3}')
    screenshot(page, "instance-redrive-with-correction")
    page.get_by_test_id("op-redrive").click()
    expect(page.get_by_test_id("instance-status")).to_have_text("succeeded")
    assert server.api("GET", f"/api/instances/{started['id']}", token=token)["result"] == {"kilobytes": 3072}
    expect(page.get_by_test_id("timeline")).to_contain_text("(redrive)")
