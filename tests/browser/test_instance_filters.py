"""An operator filters the instance list by typing a workflow or a state: a name no id can be (a title with
spaces, a letter the format does not allow) is said in words under the filters, where the list answered with
the server's "Validation failed for GET /api/instances?…: Expected `str` matching regex '^[A-Za-z_]…'". A
"Since" after the "Until" is said so too (the list said "0 instances", and not why)."""

from __future__ import annotations

import pytest
from browser_steps import SignIn
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
