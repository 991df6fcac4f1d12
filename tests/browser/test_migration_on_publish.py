"""Publishing a new version with instances running the published one: the publish dialog first shows what
migrating them would do (how many would move, how many are refused and why), and once published offers to
migrate them — the same preview, a state the new version lacks mapped to one of its states, then Apply — which
moves the instances as the preview said."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _flow(workflow_id: str) -> dict[str, Any]:
    return {
        "id": workflow_id, "title": "Parcel (migration demo)", "initial": "route",
        "states": {"route": {"type": "choice"},
                   "review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}},
                   "in_transit": {"type": "wait", "event": {"type": "parcel_delivered"}},
                   "done": {"type": "final", "outcome": "success"},
                   "dropped": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "route", "dest": "review", "guard": "go == 'review'", "priority": 1},
                        {"source": "route", "dest": "in_transit"},
                        {"source": "review", "trigger": "approve", "dest": "done"},
                        {"source": "review", "trigger": "reject", "dest": "dropped"},
                        {"source": "in_transit", "trigger": "done", "dest": "done"}],
    }


def _renamed(flow: dict[str, Any]) -> dict[str, Any]:
    """The next version: 'in_transit' is called 'on_the_way' (its instances have no state to go to)."""
    found = copy.deepcopy(flow)
    found["states"]["on_the_way"] = found["states"].pop("in_transit")
    for transition in found["transitions"]:
        for end in ("source", "dest"):
            if transition[end] == "in_transit":
                transition[end] = "on_the_way"
    return found


def test_publish_previews_the_migration_then_applies_it(server: LiveServer, sign_in: SignIn) -> None:
    workflow_id = f"parcel_{uuid.uuid4().hex[:8]}"
    token = server.token("analyst")
    first = server.api("POST", "/api/drafts", {"content": _flow(workflow_id)}, token=token)
    server.api("POST", f"/api/drafts/{first['id']}/publish", token=token)
    reviewing = server.api("POST", "/api/instances", {"workflow_id": workflow_id, "context": {"go": "review"}},
                           token=token)["id"]
    moving = server.api("POST", "/api/instances", {"workflow_id": workflow_id, "context": {"go": "ship"}},
                        token=token)["id"]
    draft = server.api("POST", "/api/drafts", {"workflow_id": workflow_id}, token=token)
    server.api("PUT", f"/api/drafts/{draft['id']}", {"content": _renamed(draft["content"])}, token=token)

    publisher = sign_in("analyst")
    publisher.goto(f"/drafts/{draft['id']}")
    expect(publisher.get_by_test_id("designer")).to_be_visible()
    publisher.get_by_test_id("publish").click()
    before = publisher.get_by_test_id("publish-migration")
    expect(before.get_by_test_id("publish-migration-preview-summary")).to_contain_text(
        "2 running instances of v1: 1 would migrate, 1 refused")
    expect(before.get_by_test_id("publish-migration-preview-refusals")).to_contain_text(
        "the state 'in_transit' is not in version 2")
    expect(before.get_by_test_id(f"migration-plan-{reviewing}")).to_contain_text("would migrate")
    screenshot(publisher, "publish-migration-preview")

    publisher.get_by_test_id("publish-confirm").click()
    offer = publisher.get_by_test_id("migrate-dialog")
    expect(offer).to_contain_text("Published v2: migrate running instances?")
    expect(offer.get_by_test_id("migrate-preview-summary")).to_contain_text("1 would migrate, 1 refused")
    assert server.api("GET", f"/api/instances/{reviewing}", token=token)["version"] == 1  # nothing moved yet
    offer.get_by_test_id("migrate-map-in_transit").select_option("on_the_way")  # the renamed state
    expect(offer.get_by_test_id("migrate-preview-summary")).to_contain_text("2 would migrate, 0 refused")
    expect(offer.get_by_test_id(f"migration-plan-{moving}")).to_contain_text("on_the_way")
    screenshot(publisher, "publish-migration-mapped")
    offer.get_by_test_id("migrate-apply").click()
    expect(offer.get_by_test_id("migrate-result-summary")).to_contain_text(
        "2 running instances of v1: 2 migrated, 0 refused")
    expect(offer.get_by_test_id(f"migration-plan-{reviewing}")).to_contain_text("migrated")
    expect(offer.get_by_test_id(f"migration-plan-{moving}")).to_contain_text("migrated")
    screenshot(publisher, "publish-migration-applied")

    migrated = server.api("GET", f"/api/instances/{reviewing}", token=token)
    assert (migrated["version"], migrated["state"]) == (2, "review")
    mapped = server.api("GET", f"/api/instances/{moving}", token=token)
    assert (mapped["version"], mapped["state"]) == (2, "on_the_way")
    history = server.api("GET", f"/api/instances/{reviewing}/history", token=token)["items"]
    assert history[-1]["event"] == "(migrate)"
    offer.get_by_test_id("migrate-done").click()
    expect(publisher.get_by_test_id("migrate-dialog")).to_have_count(0)
