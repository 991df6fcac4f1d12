"""Browser tests: Debian's Chromium, driven by Playwright, against a real `statewright serve --demo`.

With CI=true they must run: a missing Chromium or a server that does not start fails the run instead of
skipping it. Each key screen is saved to test-artifacts/screenshots/.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_steps import VIEWPORT, SignIn
from live_server import PASSWORD, LiveServer
from must_run import unavailable
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    found = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not found:
        unavailable("Debian's chromium is not installed (scripts/setup.sh dev installs it)")
    return found


@pytest.fixture(scope="session")
def server() -> Iterator[LiveServer]:
    with LiveServer() as live:
        yield live


@pytest.fixture
def outage_server() -> Iterator[LiveServer]:
    """A server of the test's own, to stop and start again (an outage) without disturbing the other tests."""
    with LiveServer() as live:
        yield live


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def _signed_in(browser: Browser, contexts: list[BrowserContext], server: LiveServer, role: str,
               viewport: dict[str, int], locale: str | None = None) -> Page:
    context = browser.new_context(viewport=viewport, accept_downloads=True, base_url=server.url, locale=locale)
    contexts.append(context)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/")
    page.get_by_test_id("login-username").fill(server.users[role].username)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("current-user")).to_contain_text(server.users[role].display_name)
    return page


@pytest.fixture
def sign_in_to(browser: Browser, contexts: list[BrowserContext]) -> Callable[[LiveServer, str], Page]:
    """Sign in to a given server (one a test started for itself) as one of the test users, in a fresh context."""
    return lambda server, role: _signed_in(browser, contexts, server, role, VIEWPORT)


@pytest.fixture
def sign_in_as(browser: Browser, contexts: list[BrowserContext]) -> Callable[..., Page]:
    """Sign in to a given server as one of the test users, in a window of a given size (`viewport`) and a given
    language (`locale`, e.g. "de-DE": how the browser writes numbers and dates), each in a fresh context."""
    def signed_in(server: LiveServer, role: str, *, viewport: dict[str, int] | None = None,
                  locale: str | None = None) -> Page:
        return _signed_in(browser, contexts, server, role, viewport or VIEWPORT, locale)
    return signed_in


@pytest.fixture
def browser_page_at(server: LiveServer, browser: Browser, contexts: list[BrowserContext]) -> Callable[[str, int], Page]:
    """Signed in as one of the test users in a window of the given width (768 px high): a small screen."""
    return lambda role, width: _signed_in(browser, contexts, server, role, {"width": width, "height": 768})


@pytest.fixture
def sign_in(server: LiveServer, sign_in_to: Callable[[LiveServer, str], Page]) -> SignIn:
    """A fresh browser context (its own cookies) signed in as one of the test users, by role key."""
    return lambda role: sign_in_to(server, role)
