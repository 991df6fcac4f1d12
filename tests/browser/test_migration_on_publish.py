"""Publishing a new version with instances running the published one: the publish dialog first shows what
migrating them would do (how many would move, how many are refused and why), and once published offers to
migrate them — the same preview, a state the new version lacks mapped to one of its states, then Apply — which
moves the instances as the preview said. The preview says it state by state in words — kept as it is or
entered afresh (and what that starts and drops), open work carried or cancelled, a missing state, a context
the new schema refuses and why — as `statewright migrate --dry-run` and the API plan it, in a 1024 px window; at
thousands of instances the groups come counted from the server and the instances a page at a time ("Show more")."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from browser_steps import SignIn, screenshot
from live_server import ROOT, LiveServer, statewright_command
from playwright.sync_api import Page, expect

from bench.bulk_rows import copy_instances

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
    """The next version: 'in_transit' is replaced by 'on_the_way', which waits for another event (its instances
    have no state to go to until mapped; a state only renamed is mapped by itself: test_pages_renamed_states.py)."""
    found = copy.deepcopy(flow)
    found["states"].pop("in_transit")
    found["states"]["on_the_way"] = {"type": "wait", "event": {"type": "parcel_arrived"}}
    for transition in found["transitions"]:
        for end in ("source", "dest"):
            if transition[end] == "in_transit":
                transition[end] = "on_the_way"
    return found


def _next_draft(server: LiveServer, workflow_id: str, change: Callable[[dict[str, Any]], dict[str, Any]],
                token: str) -> dict[str, Any]:
    """A draft of the published flow with `change` made to it and saved: the next version, to publish."""
    draft: dict[str, Any] = server.api("POST", "/api/drafts", {"workflow_id": workflow_id}, token=token)
    server.api("PUT", f"/api/drafts/{draft['id']}", {"content": change(draft["content"])}, token=token)
    return draft


def test_publish_previews_the_migration_then_applies_it(server: LiveServer, sign_in: SignIn) -> None:
    workflow_id = f"parcel_{uuid.uuid4().hex[:8]}"
    token = server.token("analyst")
    first = server.api("POST", "/api/drafts", {"content": _flow(workflow_id)}, token=token)
    server.api("POST", f"/api/drafts/{first['id']}/publish", token=token)
    reviewing = server.api("POST", "/api/instances", {"workflow_id": workflow_id, "context": {"go": "review"}},
                           token=token)["id"]
    moving = server.api("POST", "/api/instances", {"workflow_id": workflow_id, "context": {"go": "ship"}},
                        token=token)["id"]
    draft = _next_draft(server, workflow_id, _renamed, token)

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


def _three_ways(workflow_id: str) -> dict[str, Any]:
    """v1: a review (approval of two with a timeout), a parcel in transit (an event wait) and one parked
    (another)."""
    return {
        "id": workflow_id, "title": "Parcel (three ways)", "initial": "route",
        "context": {"type": "object", "properties": {"go": {"type": "string"}}, "required": ["go"]},
        "states": {"route": {"type": "choice"},
                   "review": {"type": "approval", "title": "Review", "approvers": {"roles": ["sales_manager"]},
                              "quorum": 2, "timeout": "PT48H"},
                   "in_transit": {"type": "wait", "event": {"type": "parcel_delivered"}},
                   "parked": {"type": "wait", "event": {"type": "parcel_unparked"}},
                   "done": {"type": "final", "outcome": "success"},
                   "dropped": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "route", "dest": "review", "guard": "go == 'review'", "priority": 2},
                        {"source": "route", "dest": "parked", "guard": "go == 'hold'", "priority": 1},
                        {"source": "route", "dest": "in_transit"},
                        {"source": "review", "trigger": "approve", "dest": "done"},
                        {"source": "review", "trigger": "reject", "dest": "dropped"},
                        {"source": "review", "trigger": "timeout", "dest": "dropped"},
                        {"source": "in_transit", "trigger": "done", "dest": "done"},
                        {"source": "parked", "trigger": "done", "dest": "in_transit"}],
    }


def _version_two(flow: dict[str, Any]) -> dict[str, Any]:
    """v2: the review retitled and given a shorter timeout (so entered afresh: a title alone would keep it), 'parked'
    dropped, and 'go' may only be 'review'."""
    found = copy.deepcopy(flow)
    found["states"]["review"]["title"] = "Manager review"
    found["states"]["review"]["timeout"] = "PT24H"
    del found["states"]["parked"]
    found["transitions"] = [t for t in found["transitions"] if "parked" not in (t["source"], t["dest"])]
    found["context"]["properties"]["go"]["enum"] = ["review"]
    return found


def _cli_plans(server: LiveServer, workflow_id: str) -> dict[str, Any]:
    """`statewright migrate WORKFLOW --from 1 --to 2 --dry-run --format json` on the server's database."""
    assert server.database_url is not None
    done = subprocess.run([*statewright_command(), "migrate", workflow_id, "--from", "1", "--to", "2", "--dry-run",
                           "--format", "json", "--db", server.database_url],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr  # some are refused
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def _shown_plans(page: Page, test_id: str) -> dict[str, tuple[str, str, bool]]:
    """Each instance's row in the dialog: (state change, entry, refused), as the page shows it."""
    rows = page.get_by_test_id(f"{test_id}-table").locator("tbody tr")
    found: dict[str, tuple[str, str, bool]] = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        instance = str(row.get_attribute("data-testid")).removeprefix("migration-plan-")
        found[instance] = (str(row.get_attribute("data-change")), str(row.get_attribute("data-entry")),
                           row.get_attribute("data-refused") == "true")
    return found


def _as_planned(migration: dict[str, Any]) -> dict[str, tuple[str, str, bool]]:
    return {p["instance_id"]: (p["state_change"], p["entry"] or "", p["refused"] is not None)
            for p in migration["plans"]}


def test_the_migration_preview_says_state_by_state_what_happens(
        server: LiveServer, sign_in: SignIn, browser_page_at: Callable[[str, int], Page]) -> None:
    workflow_id = f"parcel3_{uuid.uuid4().hex[:8]}"
    token = server.token("analyst")
    first = server.api("POST", "/api/drafts", {"content": _three_ways(workflow_id)}, token=token)
    server.api("POST", f"/api/drafts/{first['id']}/publish", token=token)
    started = {go: server.api("POST", "/api/instances", {"workflow_id": workflow_id, "context": {"go": go}},
                              token=token)["id"] for go in ("review", "ship", "hold")}
    approver = server.token("approver")
    [request] = server.api("GET", f"/api/approvals?instance={started['review']}", token=approver)["items"]
    server.api("POST", f"/api/approvals/{request['id']}/decision", {"decision": "approve"}, token=approver)
    draft = _next_draft(server, workflow_id, _version_two, token)
    api = server.api("GET", f"/api/drafts/{draft['id']}/migration", token=token)

    page = browser_page_at("analyst", 1024)
    page.goto(f"/drafts/{draft['id']}")
    expect(page.get_by_test_id("designer")).to_be_visible()
    page.get_by_test_id("publish").click()
    preview = page.get_by_test_id("publish-migration-preview")
    expect(preview.get_by_test_id("publish-migration-preview-summary")).to_contain_text(
        "3 running instances of v1: 1 would migrate, 2 refused")

    by_state = preview.get_by_test_id("publish-migration-preview-by-state")
    review = by_state.get_by_test_id("migration-state-review")
    expect(review).to_contain_text("entered afresh (it changed in v2)")  # its timeout changed
    expect(review).to_contain_text("1 timer cancelled · 1 approval cancelled")
    expect(review).to_contain_text("an approval opens (decisions already taken on its open approval are dropped)")
    in_transit = by_state.get_by_test_id("migration-state-in_transit")
    expect(in_transit).to_contain_text("kept as it is")
    expect(in_transit).to_contain_text("1 event wait left as it is")  # refused: 'go' is neither review nor ship
    expect(by_state.get_by_test_id("migration-state-parked")).to_contain_text("not in v2")
    refusals = preview.get_by_test_id("publish-migration-preview-refusals")
    # Why a context does not fit is said, also where the state is missing too (mapping it would not be enough).
    # And what can be done about a context that does not fit, which nothing corrects in a running instance.
    expect(refusals).to_contain_text(
        "1 refused: its context does not fit the schema of version 2: leave it on version 1, where it runs on to its "
        "end, or migrate it to a version whose schema takes its context (a running instance's context cannot be "
        "corrected; a failed or stuck one's can, with a redrive)")
    expect(refusals).to_contain_text("What does not fit: go: \"ship\" is not one of \"review\"")
    expect(refusals).to_contain_text("Their context does not fit v2 either: go: \"hold\" is not one of \"review\"")
    # Times as a person reads them, not RFC 3339.
    timer = page.get_by_test_id(f"migration-plan-{started['review']}")
    expect(timer).to_contain_text("timer 'timeout' due")
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:", timer.inner_text())
    # The decision taken so far, which entering afresh drops.
    expect(timer).to_contain_text(f"approval #{request['id']} in 'review', quorum 2, 1 approval so far: cancelled")
    expect(page.get_by_test_id(f"migration-plan-{started['ship']}")).to_contain_text(
        "event wait for 'parcel_delivered': left as it is")
    # Each row says what happens to the state in words (it read "(kept, entered afresh)").
    expect(timer.get_by_test_id("migration-plan-state")).to_have_text("(same state, started again: it changed in v2)")
    expect(page.get_by_test_id(f"migration-plan-{started['ship']}").get_by_test_id("migration-plan-state")).to_have_text(
        "(same state, as it is)")
    timer.evaluate("row => row.scrollIntoView({block: 'center'})")
    screenshot(page, "publish-migration-open-work-1024")
    assert _shown_plans(page, "publish-migration-preview") == _as_planned(api)  # each instance as the API plans it
    # At 1024 px the dialog's buttons stay in reach and nothing runs off its side.
    expect(page.get_by_test_id("publish-confirm")).to_be_in_viewport()
    assert page.get_by_test_id("publish-dialog").evaluate("d => d.scrollWidth <= d.clientWidth")
    screenshot(page, "publish-migration-by-state-1024")

    page.get_by_test_id("publish-confirm").click()
    offer = page.get_by_test_id("migrate-dialog")
    expect(offer.get_by_test_id("migrate-preview-summary")).to_contain_text("1 would migrate, 2 refused")
    cli = _cli_plans(server, workflow_id)
    assert _shown_plans(page, "migrate-preview") == _as_planned(cli)
    assert (cli["instances"], cli["would_migrate"], cli["refused"]) == (3, 1, 2)
    offer.get_by_test_id("migrate-map-parked").select_option("in_transit")
    parked = offer.get_by_test_id("migrate-preview-by-state").get_by_test_id("migration-state-parked")
    expect(parked).to_contain_text("→ in_transit — mapped, entered afresh")
    expect(parked).to_contain_text("refused: its context does not fit the schema of version 2")
    offer.get_by_test_id("migrate-apply").click()
    expect(offer.get_by_test_id("migrate-result-summary")).to_contain_text("1 migrated, 2 refused")
    expect(offer.get_by_role("heading")).to_have_text("Published v2: running instances migrated")
    screenshot(page, "publish-migration-applied-1024")
    moved = server.api("GET", f"/api/instances/{started['review']}", token=token)
    assert (moved["version"], moved["state"]) == (2, "review")
    approvals = server.api("GET", f"/api/approvals?status=all&instance={started['review']}",
                           token=server.token("admin"))["items"]
    assert sorted(a["status"] for a in approvals) == ["cancelled", "pending"]  # entered afresh: a new one


def test_many_instances_are_shown_by_state_and_a_page_at_a_time(
        server: LiveServer, sign_in: SignIn, browser_page_at: Callable[[str, int], Page]) -> None:
    """2,500 instances in three states: the groups come counted from the server, the instances a page of 100 at
    a time, "Show more" adding the next page, "list" one state's instances (the whole list was 31.5 MB at 100,000
    instances)."""
    workflow_id = f"parcel_many_{uuid.uuid4().hex[:8]}"
    token = server.token("analyst")
    first = server.api("POST", "/api/drafts", {"content": _three_ways(workflow_id)}, token=token)
    server.api("POST", f"/api/drafts/{first['id']}/publish", token=token)
    assert server.database_url is not None
    database = sa.create_engine(server.database_url)
    for go, copies in (("review", 1_499), ("ship", 699), ("hold", 299)):
        source = server.api("POST", "/api/instances", {"workflow_id": workflow_id, "context": {"go": go}},
                            token=token)["id"]
        copy_instances(database, source, copies, prefix=f"{workflow_id}-{go}")
    database.dispose()
    draft = _next_draft(server, workflow_id, _version_two, token)
    two_pages = server.api("GET", f"/api/drafts/{draft['id']}/migration?limit=200", token=token)

    page = browser_page_at("analyst", 1280)
    page.goto(f"/drafts/{draft['id']}")
    expect(page.get_by_test_id("designer")).to_be_visible()
    page.get_by_test_id("publish").click()
    preview = page.get_by_test_id("publish-migration-preview")
    expect(preview.get_by_test_id("publish-migration-preview-summary")).to_contain_text(
        "2,500 running instances of v1: 1,500 would migrate, 1,000 refused")
    by_state = preview.get_by_test_id("publish-migration-preview-by-state")
    expect(by_state.get_by_test_id("migration-state-review")).to_contain_text("1,500")
    expect(by_state.get_by_test_id("migration-state-review")).to_contain_text("1 timer cancelled")  # the source's
    expect(by_state.get_by_test_id("migration-state-in_transit")).to_contain_text("700")
    expect(by_state.get_by_test_id("migration-state-parked")).to_contain_text("300")
    expect(preview.get_by_test_id("publish-migration-preview-refusals")).to_contain_text("700 refused: its context")

    preview.get_by_text("Each instance (2,500)").click()
    expect(preview.get_by_test_id("publish-migration-preview-pages")).to_contain_text("100 of 2,500 shown")
    assert list(_shown_plans(page, "publish-migration-preview")) == [p["instance_id"] for p in two_pages["plans"][:100]]
    preview.get_by_test_id("publish-migration-preview-more").click()
    expect(preview.get_by_test_id("publish-migration-preview-pages")).to_contain_text("200 of 2,500 shown")
    assert _shown_plans(page, "publish-migration-preview") == _as_planned(two_pages)
    assert list(_shown_plans(page, "publish-migration-preview")) == [p["instance_id"] for p in two_pages["plans"]]
    preview.get_by_test_id("publish-migration-preview-more").scroll_into_view_if_needed()
    screenshot(page, "publish-migration-many-pages")

    by_state.get_by_test_id("migration-list-parked").click()  # one state's instances, a page at a time too
    expect(preview.get_by_test_id("publish-migration-preview-each")).to_have_text("Each instance in parked (300)")
    expect(preview.get_by_test_id("publish-migration-preview-pages")).to_contain_text("100 of 300 shown")
    parked = server.api("GET", f"/api/drafts/{draft['id']}/migration?state=parked&limit=100", token=token)
    assert list(_shown_plans(page, "publish-migration-preview")) == [p["instance_id"] for p in parked["plans"]]
    assert {p["state"] for p in parked["plans"]} == {"parked"}
    screenshot(page, "publish-migration-many-one-state")
    preview.get_by_test_id("publish-migration-preview-list-all").click()
    expect(preview.get_by_test_id("publish-migration-preview-pages")).to_contain_text("100 of 2,500 shown")
    preview.get_by_test_id("publish-migration-preview-by-state").scroll_into_view_if_needed()
    screenshot(page, "publish-migration-many-by-state")
