"""An operator filters the instance list by typing a workflow or a state: a name no id can be (a title with
spaces, a letter the format does not allow) is said in words under the filters, where the list answered with
the server's "Validation failed for GET /api/instances?…: Expected `str` matching regex '^[A-Za-z_]…'". A
"Since" after the "Until" is said so too (the list said "0 instances", and not why). A filter edited by hand in
the address is named with the values it takes, and the pager refuses a page number that is not whole."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_filter_no_id_can_match_is_said_in_words(sign_in: SignIn) -> None:
    page = sign_in("analyst")
    page.get_by_test_id("nav-instances").click()
    expect(page.get_by_test_id("instances-total")).to_be_visible()

    page.get_by_test_id("filter-workflow").fill("Lead qualification")  # the title, not the id
    page.get_by_test_id("filter-state").fill("prüfung")
    page.get_by_test_id("filter-apply").click()
    refused = page.get_by_test_id("instances-bad-workflow")
    expect(refused).to_have_text("“Lead qualification” cannot be a workflow id, so no instance has it: use letters, "
                                 "digits, '_' and '-', starting with a letter or '_'.")
    expect(page.get_by_test_id("instances-bad-state")).to_contain_text("“prüfung” cannot be a state id")
    expect(page.get_by_test_id("instances-page")).not_to_contain_text("regex")
    expect(page.get_by_test_id("instances-page")).not_to_contain_text("Validation failed")

    page.get_by_test_id("filter-workflow").fill("lead_qualification")
    page.get_by_test_id("filter-state").fill("")
    page.get_by_test_id("filter-apply").click()
    expect(page.get_by_test_id("instances-bad-workflow")).to_have_count(0)
    expect(page.get_by_test_id("instances-table").locator("tbody tr").first).to_contain_text("lead_qualification")


def test_since_after_until_is_said_not_listed_as_nothing(sign_in: SignIn) -> None:
    page = sign_in("analyst")
    page.get_by_test_id("nav-instances").click()
    expect(page.get_by_test_id("instances-total")).to_be_visible()
    page.get_by_label("Since").fill("2026-03-10T09:00")
    page.get_by_label("Until").fill("2026-03-01T09:00")
    page.get_by_test_id("filter-apply").click()
    expect(page.get_by_test_id("instances-bad-window")).to_contain_text("is after “Until”")
    expect(page.get_by_test_id("instances-total")).to_have_count(0)

    page.get_by_label("Until").fill("")
    page.get_by_test_id("filter-apply").click()
    expect(page.get_by_test_id("instances-bad-window")).to_have_count(0)
    expect(page.get_by_test_id("instances-total")).to_be_visible()


def test_a_filter_edited_in_the_address_is_named_with_what_it_takes(sign_in: SignIn) -> None:
    """A status, time or version no list can use, typed into the address, is said in the page's words — which
    filter, and what it takes — with a way to clear it; the server's "Validation failed for GET …" is not shown."""
    page = sign_in("analyst")
    page.goto("/instances?status=bogus&workflow=lead_qualification")
    bad = page.get_by_test_id("instances-bad-status")
    expect(bad).to_contain_text("The status “bogus” in the address cannot be used as a filter: it takes one of "
                                "running, held, stuck, succeeded, failed, cancelled.")
    page_text = page.get_by_test_id("instances-page")
    expect(page_text).not_to_contain_text("Validation failed")
    bad.get_by_test_id("clear-filter-status").click()
    expect(page.get_by_test_id("instances-bad-status")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/instances\?workflow=lead_qualification$"))  # the other filter kept
    expect(page.get_by_test_id("instances-table").locator("tbody tr").first).to_contain_text("lead_qualification")

    page.goto("/instances?since=yesterday")
    expect(page.get_by_test_id("instances-bad-since")).to_contain_text(
        "The “since” time “yesterday” in the address cannot be used as a filter: it takes a date and time")
    # One the server refuses by a rule of its own (versions start at 1): read back into the same words.
    page.goto("/instances?version=0")
    expect(page.get_by_test_id("instances-bad-version")).to_have_text(re.compile(
        r"^The version “0” in the address cannot be used as a filter: it takes a whole number from 1, such as 2\."))
    expect(page_text).not_to_contain_text("Validation failed")
    expect(page_text).not_to_contain_text("greater than or equal")
    screenshot(page, "instances-bad-filter-in-address")
    page.get_by_test_id("clear-filter-version").click()
    expect(page.get_by_test_id("instances-total")).to_be_visible()


PAGED_FLOW: dict[str, Any] = {
    "id": "paged_waits",
    "title": "Paged waits",
    "initial": "waiting",
    "states": {"waiting": {"type": "wait", "duration": "P30D"}, "done": {"type": "final"}},
    "transitions": [{"source": "waiting", "trigger": "done", "dest": "done"}],
}


def test_a_page_number_that_is_not_whole_is_refused_not_misread(server: LiveServer, sign_in: SignIn) -> None:
    """"1.5" went to page 15 (the dot was dropped as if it grouped digits). Now a number that is not whole is
    refused in words, the list stays where it is; one past the last page goes to the last."""
    analyst = server.token("analyst")
    server.publish_and_start(PAGED_FLOW, {}, token=analyst)
    for _ in range(100):  # 101 instances: 3 pages of 50
        server.api("POST", "/api/instances", {"workflow_id": PAGED_FLOW["id"], "context": {}}, token=analyst)
    page = sign_in("analyst")
    page.goto(f"/instances?workflow={PAGED_FLOW['id']}")
    pager = page.get_by_test_id("pager-top")
    expect(pager.get_by_test_id("pager-top-pages")).to_have_text("3")
    jump = pager.get_by_test_id("pager-top-page")

    jump.fill("1.5")
    jump.press("Enter")
    expect(pager.get_by_test_id("pager-top-problem")).to_have_text(
        "“1.5” is not a page number: give a whole number from 1 to 3.")
    expect(jump).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile(rf"/instances\?workflow={PAGED_FLOW['id']}$"))  # still the first page
    screenshot(page, "instances-pager-refuses-a-fraction")

    jump.fill("2")
    expect(pager.get_by_test_id("pager-top-problem")).to_have_count(0)
    jump.press("Enter")
    expect(page).to_have_url(re.compile(r"offset=50$"))
    expect(page.get_by_test_id("instances-total")).to_contain_text("showing 51\N{EN DASH}100")

    jump = page.get_by_test_id("pager-top").get_by_test_id("pager-top-page")
    jump.fill("15")  # past the last page: the last
    jump.press("Enter")
    expect(page).to_have_url(re.compile(r"offset=100$"))
    expect(page.get_by_test_id("pager-top").get_by_test_id("pager-top-page")).to_have_value("3")
