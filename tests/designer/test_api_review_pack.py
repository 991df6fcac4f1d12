"""The review pack of a published version: PDF and HTML downloads, compared with the version before."""

from __future__ import annotations

import copy

import pytest
from designer_support import REVIEW_FLOW, Env, assert_problem, username


@pytest.fixture(scope="module", autouse=True)
def two_versions(env: Env) -> None:
    changed = copy.deepcopy(REVIEW_FLOW)
    changed["transitions"][2]["guard"] = "offer.amount < 250"
    for state in REVIEW_FLOW["states"].values():  # publishing refuses actions no handler serves
        if state.get("action"):
            env.services.engine.register(state["action"], lambda request: {})
    for flow in (REVIEW_FLOW, changed):
        draft = env.call("POST", "/api/drafts", "analyst", json={"content": flow}).json()
        published = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher",
                             json={"confirm_replace": flow is not REVIEW_FLOW})
        assert published.status_code == 201, published.text


def test_the_html_pack_names_the_publisher_and_what_changed(env: Env) -> None:
    got = env.call("GET", "/api/definitions/review_flow/versions/2/review?format=html", "viewer")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("text/html")
    assert 'filename="review_flow-v2-review.html"' in got.headers["content-disposition"]
    page = got.text
    assert "<h1>Offer review</h1>" in page
    assert username("publisher") in page
    assert "Changes since version 1" in page
    assert "offer.amount &lt; 100" in page
    assert "offer.amount &lt; 250" in page
    assert "offer.amount is less than 250" in page


def test_the_pdf_pack_of_the_first_version_reviews_it_whole(env: Env) -> None:
    got = env.call("GET", "/api/definitions/review_flow/versions/1/review?paper=letter", "viewer")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "application/pdf"
    assert got.content.startswith(b"%PDF")


def test_an_unknown_version_or_format_is_a_problem_not_an_error(env: Env) -> None:
    assert_problem(env.call("GET", "/api/definitions/review_flow/versions/9/review", "viewer"), 404)
    assert_problem(env.call("GET", "/api/definitions/review_flow/versions/2/review?previous=7", "viewer"), 404)
    assert_problem(env.call("GET", "/api/definitions/review_flow/versions/2/review?format=docx", "viewer"), 400)
