"""Reading what exists: signing in with a wrong password, the visual diff of two published versions, the
instance list with its filters, and the metrics — each a key screen, saved as a screenshot."""

from __future__ import annotations

import pytest
from browser_steps import VIEWPORT, SignIn, screenshot, state
from live_server import LiveServer
from playwright.sync_api import Browser, BrowserContext, expect

pytestmark = pytest.mark.browser

WORKFLOW = "lead_qualification"


def publish_second_version(server: LiveServer, token: str) -> None:
    """v2 of the shipped flow: a new enrichment step before scoring, and a retitled extract step."""
    draft = server.api("POST", "/api/drafts", {"workflow_id": WORKFLOW}, token=token)
    content = draft["content"]
    content["states"]["enrich"] = {
        "type": "task",
        "title": "Enrich company",
        "agent": "research_recon",
        "action": "enrich_company",
        "output": "enrichment",
    }
    content["states"]["extract"]["title"] = "Extract and validate the lead"
    for transition in content["transitions"]:
        if transition["source"] == "check_duplicate" and transition.get("trigger") == "done":
            enrich_to = transition["dest"]
            transition["dest"] = "enrich"
            break
    else:  # pragma: no cover - the shipped flow always has this transition
        raise AssertionError("check_duplicate has no done transition")
    content["transitions"] += [
        {"source": "enrich", "trigger": "done", "dest": enrich_to},
        {"source": "enrich", "trigger": "error", "dest": enrich_to},
    ]
    server.api("PUT", f"/api/drafts/{draft['id']}", {"content": content}, token=token)
    server.api("POST", f"/api/drafts/{draft['id']}/publish", token=token)


def test_wrong_password_is_refused_in_words(
    server: LiveServer, browser: Browser, contexts: list[BrowserContext]
) -> None:
    context = browser.new_context(viewport=VIEWPORT, base_url=server.url)
    contexts.append(context)
    page = context.new_page()
    page.goto("/instances")
    expect(page.get_by_test_id("login-form")).to_be_visible()
    screenshot(page, "login")
    page.get_by_test_id("login-username").fill(server.users["viewer"].username)
    page.get_by_test_id("login-password").fill("not-the-password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_be_visible()
    expect(page.get_by_test_id("login-error")).not_to_have_text("")
    expect(page.get_by_test_id("current-user")).to_have_count(0)


def test_visual_diff_instances_and_metrics(server: LiveServer, sign_in: SignIn) -> None:
    token = server.token("analyst")
    publish_second_version(server, token)
    started = server.api(
        "POST",
        "/api/instances",
        {
            "workflow_id": WORKFLOW,
            "context": {
                "email": "vp@acme.example",
                "source": "web_form",
                "raw_message": "VP Sales at a 500-person company.",
            },
        },
        token=token,
    )

    page = sign_in("analyst")
    page.get_by_test_id("nav-definitions").click()
    expect(page.get_by_test_id(f"definition-row-{WORKFLOW}")).to_contain_text("v2")
    screenshot(page, "workflows-list")

    page.get_by_test_id(f"open-definition-{WORKFLOW}").click()
    expect(page.get_by_test_id("version-select")).to_have_value("2")
    expect(state(page, "enrich")).to_be_visible()
    page.get_by_test_id("tab-versions").click()
    diff = page.get_by_test_id("diff-canvas")
    expect(page.get_by_test_id("diff-summary")).to_contain_text("v1 → v2")
    expect(page.get_by_test_id("diff-summary")).to_contain_text("enrich")
    expect(diff.get_by_test_id("state-enrich")).to_have_attribute("data-mark", "added")
    expect(diff.get_by_test_id("state-extract")).to_have_attribute("data-mark", "changed")
    expect(diff.get_by_test_id("state-score")).to_have_attribute("data-mark", "")
    # check_duplicate's done now goes to enrich: a transition with a new identity (one removed, one added),
    # plus enrich's own two.
    expect(diff.locator('[data-mark="added"].transition-label')).to_have_count(3)
    expect(diff.locator('[data-mark="removed"].transition-label')).to_have_count(1)
    screenshot(page, "definition-version-diff")

    page.get_by_test_id("nav-instances").click()
    page.get_by_test_id("filter-workflow").fill(WORKFLOW)
    page.get_by_test_id("filter-apply").click()
    expect(page.get_by_test_id(f"instance-row-{started['id']}")).to_be_visible()
    expect(page.get_by_test_id("instances-table")).not_to_contain_text("lead_qualification_ui")
    screenshot(page, "instances-list")
    page.get_by_test_id(f"instance-row-{started['id']}").get_by_test_id("open-instance").click()
    expect(page.get_by_test_id("instance-page")).to_be_visible()
    expect(state(page, "extract")).to_have_attribute("data-mark", "visited")
    screenshot(page, "instance-detail")

    page.get_by_test_id("nav-metrics").click()
    expect(page.get_by_test_id("metrics-table")).to_contain_text(WORKFLOW)
    screenshot(page, "metrics")
