"""The Prices page: an admin sets a self-hosted model's price, sees it listed, changes and removes it; the page
is not offered to others, and the server refuses them. What the server would refuse — a provider with a space, a
model of blanks, a price over 1,000,000 a million tokens (a typo's extra zeros) — the form says at its field and
sends nothing (it came back as "Validation failed for PUT /api/prices: body provider: String should match
pattern …")."""

from __future__ import annotations

import urllib.error

import pytest
from browser_steps import SignIn, screenshot
from live_server import LiveServer
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_an_admin_sets_changes_and_removes_a_price(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("admin")
    page.get_by_test_id("nav-prices").click()
    expect(page.get_by_test_id("prices-page")).to_be_visible()
    page.get_by_test_id("price-provider").fill("vllm")
    page.get_by_test_id("price-model").fill("llama-3.1-70b")
    page.get_by_test_id("price-prompt").fill("0.6")
    page.get_by_test_id("price-completion").fill("0.8")
    page.get_by_test_id("price-save").click()
    row = page.get_by_test_id("price-vllm-llama-3.1-70b")
    expect(row).to_contain_text("0.6")
    expect(row).to_contain_text("by ada")
    screenshot(page, "model-prices")
    listed = server.api("GET", "/api/prices", token=server.token("admin"))
    assert [(p["provider"], p["model"], p["completion_per_million"]) for p in listed] == [
        ("vllm", "llama-3.1-70b", 0.8)]

    page.get_by_test_id("price-provider").fill("vllm")
    page.get_by_test_id("price-model").fill("llama-3.1-70b")
    page.get_by_test_id("price-prompt").fill("-1")
    page.get_by_test_id("price-completion").fill("0.8")
    page.get_by_test_id("price-save").click()  # the browser's own check refuses a negative price
    expect(row).to_contain_text("0.6")

    row.get_by_role("button", name="Remove the price of llama-3.1-70b on vllm").click()
    expect(page.get_by_test_id("prices-message")).to_contain_text("Removed the price of llama-3.1-70b")
    expect(row).to_have_count(0)
    assert server.api("GET", "/api/prices", token=server.token("admin")) == []


def test_the_page_is_not_offered_to_a_publisher_and_the_api_refuses_them(server: LiveServer,
                                                                          sign_in: SignIn) -> None:
    page = sign_in("analyst")
    expect(page.get_by_test_id("nav-metrics")).to_be_visible()
    expect(page.get_by_test_id("nav-prices")).to_have_count(0)
    with pytest.raises(urllib.error.HTTPError) as refused:
        server.api("PUT", "/api/prices", {"model": "m", "prompt_per_million": 1, "completion_per_million": 1},
                   token=server.token("analyst"))
    assert refused.value.code == 403


def test_the_form_refuses_what_the_server_would_at_its_field(server: LiveServer, sign_in: SignIn) -> None:
    page = sign_in("admin")
    page.get_by_test_id("nav-prices").click()
    expect(page.get_by_test_id("prices-page")).to_be_visible()
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.method) if "/api/prices" in request.url else None)
    cases = [("self hosted", "llama", "1", "1", "price-provider"), ("*", "   ", "1", "1", "price-model"),
             ("*", "llama", "12000000", "1", "price-prompt"), ("*", "llama", "1", "1e308", "price-completion")]
    for provider, model, prompt, completion, refused in cases:
        page.get_by_test_id("price-provider").fill(provider)
        page.get_by_test_id("price-model").fill(model)
        page.get_by_test_id("price-prompt").fill(prompt)
        page.get_by_test_id("price-completion").fill(completion)
        page.get_by_test_id("price-save").click()
        field = page.get_by_test_id(refused)
        assert field.evaluate("input => !input.validity.valid"), (refused, provider, model, prompt, completion)
        assert field.evaluate("input => input.validationMessage"), refused
    expect(page.get_by_test_id("prices-page")).not_to_contain_text("Validation failed")
    assert "PUT" not in sent, sent
