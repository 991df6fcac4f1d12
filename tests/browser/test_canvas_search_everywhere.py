""""Find a state" on the draft canvas reaches every state of the document: one inside a parallel state's
branch or a map state's iterator is opened where it is (the breadcrumb says where), selected and framed, as a
finding there is; from inside, a top-level state leads back out. The query and its matches stay after a jump,
so a person goes through the matches one after another (Enter, the arrows, or the list) until Escape empties it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_steps import SignIn, laid_out, screenshot, settled_box, state
from live_server import LiveServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DRAFT: dict[str, Any] = {
    "id": "claims_intake",
    "title": "Claims intake",
    "initial": "intake",
    "states": {
        "intake": {"type": "task", "action": "read_claim"},
        "checks": {
            "type": "parallel",
            "branches": [
                {"name": "fraud", "initial": "score", "states": {
                    "score": {"type": "task", "action": "fraud_score", "title": "Fraud score"},
                    "scored": {"type": "final", "outcome": "success"}},
                 "transitions": [{"source": "score", "trigger": "done", "dest": "scored"}]},
                {"name": "cover", "initial": "policy", "states": {
                    "policy": {"type": "task", "action": "check_policy"},
                    "covered": {"type": "final", "outcome": "success"}},
                 "transitions": [{"source": "policy", "trigger": "done", "dest": "covered"}]},
            ],
        },
        "each_item": {"type": "map", "items": "items", "iterator": {
            "initial": "price_item",
            "states": {"price_item": {"type": "task", "action": "price", "title": "Price the damaged item"},
                       "priced": {"type": "final", "outcome": "success"}},
            "transitions": [{"source": "price_item", "trigger": "done", "dest": "priced"}]}},
        "paid": {"type": "final", "outcome": "success", "title": "Claim paid"},
    },
    "transitions": [
        {"source": "intake", "trigger": "done", "dest": "checks"},
        {"source": "checks", "trigger": "done", "dest": "each_item"},
        {"source": "each_item", "trigger": "done", "dest": "paid"},
    ],
}


def find(page: Page, text: str) -> None:
    search = page.get_by_test_id("canvas-search")
    search.fill(text)
    search.press("Enter")


def assert_framed(page: Page, state_id: str) -> None:
    pane = settled_box(page.get_by_test_id("canvas"))
    box = settled_box(state(page, state_id))
    assert pane["x"] <= box["x"]
    assert box["x"] + box["width"] <= pane["x"] + pane["width"]
    assert pane["y"] <= box["y"]
    assert box["y"] + box["height"] <= pane["y"] + pane["height"]


def test_find_a_state_inside_an_iterator_and_a_branch(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": DRAFT}, token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    laid_out(page)
    breadcrumb = page.get_by_test_id("scope-breadcrumb")

    # By part of its title: a state of the map's iterator opens the iterator, selected and in view.
    find(page, "damaged item")
    expect(page.get_by_test_id("canvas-search-missing")).to_have_count(0)
    expect(breadcrumb.get_by_test_id("scope-state-each_item")).to_have_text("each_item (map)")
    expect(breadcrumb.get_by_test_id("scope-current")).to_have_text("for each item")
    expect(page.get_by_test_id("field-id")).to_have_value("price_item")
    expect(state(page, "price_item")).to_have_class(re.compile(r"\bselected\b"))
    assert_framed(page, "price_item")
    screenshot(page, "canvas-search-in-iterator")

    # From there, by id: a state in the second branch of the parallel state.
    find(page, "policy")
    expect(breadcrumb.get_by_test_id("scope-state-checks")).to_have_text("checks (parallel)")
    expect(breadcrumb.get_by_test_id("scope-current")).to_have_text("cover")
    expect(page.get_by_test_id("field-id")).to_have_value("policy")
    assert_framed(page, "policy")

    # And back out to a top-level state.
    find(page, "Claim paid")
    expect(breadcrumb).to_have_count(0)
    expect(page.get_by_test_id("field-id")).to_have_value("paid")
    assert_framed(page, "paid")

    # The list offers the states inside, saying where each is.
    search = page.get_by_test_id("canvas-search")
    options = page.get_by_test_id("canvas-search-option")
    search.fill("score")
    expect(options.first).to_have_text("Fraud score (score) \u2014 in checks \u203a fraud")
    search.fill("damaged")
    expect(options).to_have_text(["Price the damaged item (price_item) \u2014 in each_item \u203a for each item"])

    find(page, "no such state anywhere")
    expect(page.get_by_test_id("canvas-search-missing")).to_be_visible()


def test_the_query_and_its_matches_stay_after_each_jump(server: LiveServer, sign_in: SignIn) -> None:
    draft = server.api("POST", "/api/drafts", {"content": {**DRAFT, "id": "claims_intake_query"}},
                       token=server.token("analyst"))
    page = sign_in("analyst")
    page.goto(f"/drafts/{draft['id']}")
    laid_out(page)
    search = page.get_by_test_id("canvas-search")
    count = page.get_by_test_id("canvas-search-count")
    breadcrumb = page.get_by_test_id("scope-breadcrumb")
    options = page.get_by_test_id("canvas-search-option")

    # "ed": scored (fraud branch), covered (cover branch), price_item ("damaged"), priced (the iterator).
    search.fill("ed")
    search.press("Enter")
    expect(page.get_by_test_id("field-id")).to_have_value("scored")
    expect(search).to_have_value("ed")
    expect(count).to_have_text("1 of 4")

    # Enter again goes on to the next match — in another branch, a canvas of its own — with the query kept
    # and the box still in hand.
    search.press("Enter")
    expect(breadcrumb.get_by_test_id("scope-current")).to_have_text("cover")
    expect(page.get_by_test_id("field-id")).to_have_value("covered")
    expect(search).to_have_value("ed")
    expect(count).to_have_text("2 of 4")
    expect(search).to_be_focused()
    page.get_by_test_id("canvas-search-next").click()
    expect(page.get_by_test_id("field-id")).to_have_value("price_item")
    expect(count).to_have_text("3 of 4")
    search.press("Shift+Enter")
    expect(page.get_by_test_id("field-id")).to_have_value("covered")

    # The matches are there to pick from again, the current one marked, without typing the query again.
    search.click()
    expect(options).to_have_count(4)
    expect(page.locator("[data-testid='canvas-search-option'].current")).to_have_attribute("data-state", "covered")
    screenshot(page, "canvas-search-matches-kept")
    options.filter(has_text="priced").click()
    expect(page.get_by_test_id("field-id")).to_have_value("priced")
    expect(breadcrumb.get_by_test_id("scope-current")).to_have_text("for each item")
    expect(search).to_have_value("ed")
    expect(count).to_have_text("4 of 4")

    # The keyboard picks from the list too; Escape closes it, and then empties the box.
    search.press("ArrowDown")
    expect(page.get_by_test_id("canvas-search-list")).to_be_visible()
    search.press("ArrowUp")
    search.press("Enter")
    expect(page.get_by_test_id("field-id")).to_have_value("price_item")
    search.press("ArrowDown")
    search.press("Escape")
    expect(page.get_by_test_id("canvas-search-list")).to_have_count(0)
    expect(search).to_have_value("ed")
    search.press("Escape")
    expect(search).to_have_value("")
    expect(count).to_be_hidden()
    expect(page.get_by_test_id("canvas-search-option")).to_have_count(0)
