"""The monitoring pages read well at an operator's real size: ten thousand instances and an instance whose
history is longer than a page.

- Metrics: counts grouped as the reader's locale groups digits (10,000 in en-US, 10.000 in de-DE), in the
  tables as in the chart, and the chart's axis title clear of its widest count; the cost per workflow and
  per agent named whole, and the durations on one line each.
- Instances: the total and the rows shown in grouped figures, a pager that goes to the oldest page or to a
  page by number, and a new page that starts at its top.
- Instance: the latest 500 transitions first, saying how many there are in all, and the older ones on request —
  the approval inbox's "see the full history in the instance monitor" leads there; its path is that of the
  latest 500, marked as leaving earlier states out.

The instances are started by an engine of the test's own on the database of a server of its own (not the
shared one: ten thousand instances would change what the other tests' lists show).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from browser_steps import screenshot
from live_server import LiveServer
from playwright.sync_api import Page, expect

from engine.runtime.engine import Engine

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 850}  # the windows operators look at these pages in
SMALL = {"width": 1024, "height": 768}
TICKETS = 10_000  # the chart's largest count gets five digits and a separator: 10,000
TICKET: dict[str, Any] = {
    "id": "scale_ticket", "title": "Ticket", "initial": "open",
    "states": {"open": {"type": "wait", "event": {"type": "scale_ticket.resolved"}},
               "closed": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "open", "trigger": "done", "dest": "closed"},
                    {"source": "open", "trigger": "close", "dest": "closed"}],
}
ASKED: dict[str, Any] = {  # asked again and again: a history longer than the instance page's 500
    "id": "scale_asked_again", "title": "Asked again", "initial": "review",
    "states": {"review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}},
               "agreed": {"type": "final", "outcome": "success"},
               "refused": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "review", "trigger": "revise", "dest": "review"},
                    {"source": "review", "trigger": "approve", "dest": "agreed"},
                    {"source": "review", "trigger": "reject", "dest": "refused"}],
}
TRANSITIONS = 600  # the start and 599 revisions
PAGES = 200  # of 50 tickets
LISTED = f"/instances?workflow={TICKET['id']}"  # the tickets alone (the demo's flows start instances too)


@pytest.fixture(scope="module")
def big_server() -> Iterator[tuple[LiveServer, str]]:
    """A server of its own with TICKETS instances waiting, and one asked again up to TRANSITIONS transitions."""
    with LiveServer() as live:
        assert live.database_url, "this test writes to its own server's database"
        with Engine(live.database_url, migrate=False) as engine:
            engine.deploy(TICKET)
            engine.deploy(ASKED)
            for n in range(TICKETS):
                engine.start(TICKET["id"], {"n": n})
            asked = engine.start(ASKED["id"], {})
            for _ in range(TRANSITIONS - 1):
                engine.send(asked.id, "revise")
        yield live, asked.id


def _showing(first: str, last: str) -> str:
    return f"10,000 instances \N{EM DASH} showing {first}\N{EN DASH}{last}, newest first"


def test_metrics_counts_are_grouped_as_the_readers_locale_groups_digits(
    big_server: tuple[LiveServer, str], sign_in_as: Callable[..., Page]
) -> None:
    server, _ = big_server
    page = sign_in_as(server, "viewer", viewport=LAPTOP)
    page.goto("/metrics-dashboard")
    row = page.get_by_test_id("metrics-table").get_by_test_id(f"metrics-row-{TICKET['id']}")
    expect(row.locator("td").first).to_have_text("10,000")  # started
    expect(page.get_by_test_id("duration-spread")).to_be_visible()
    expect(page.get_by_test_id("metrics-loading")).to_have_text("")
    screenshot(page, "metrics-at-scale")

    german = sign_in_as(server, "viewer", viewport=LAPTOP, locale="de-DE")
    german.goto("/metrics-dashboard")
    row = german.get_by_test_id("metrics-table").get_by_test_id(f"metrics-row-{TICKET['id']}")
    expect(row.locator("td").first).to_have_text("10.000")
    total_cost = german.get_by_test_id("agent-metrics-table").get_by_test_id("metrics-row-all").locator("td").last
    expect(total_cost).to_contain_text(re.compile(r"^\d+,\d{2,4}\s\$"))  # dollars as German readers write them


# The canvas left of the plot, read in the browser: the rows where the y axis draws a value (ink just left of the
# plot), the columns the values take, and the columns the axis title takes in the rows between the values.
_AXIS_INK = """(testId) => {
  const box = document.querySelector(`[data-testid="${testId}"]`);
  const canvas = box.querySelector("canvas");
  const over = box.querySelector(".u-over");
  const ratio = canvas.width / canvas.getBoundingClientRect().width;
  const left = Math.floor(parseFloat(over.style.left) * ratio);
  const top = Math.floor(parseFloat(over.style.top) * ratio);
  const bottom = top + Math.floor(parseFloat(over.style.height) * ratio);
  const pixels = canvas.getContext("2d").getImageData(0, 0, left, canvas.height).data;
  const inked = (x, y) => {
    const i = (y * left + x) * 4;
    return pixels[i + 3] > 150 && pixels[i] + pixels[i + 1] + pixels[i + 2] < 200;  // text, not a faint grid line
  };
  const near = Math.round(30 * ratio);  // the values end this close to the plot; the title never comes so close
  const valueRows = new Set();
  for (let y = 0; y < canvas.height; y++)
    for (let x = left - near; x < left; x++) if (inked(x, y)) { valueRows.add(y); break; }
  const pad = Math.round(3 * ratio);
  const nearValue = (y) => { for (let d = -pad; d <= pad; d++) if (valueRows.has(y + d)) return true; return false; };
  let titleLeft = Infinity, titleRight = -1, titleTop = Infinity, titleBottom = -1;
  for (let y = top; y < bottom; y++) {
    if (nearValue(y)) continue;
    for (let x = 0; x < left; x++) if (inked(x, y)) {
      titleLeft = Math.min(titleLeft, x); titleRight = Math.max(titleRight, x);
      titleTop = Math.min(titleTop, y); titleBottom = Math.max(titleBottom, y);
    }
  }
  let valuesLeft = Infinity;
  for (const y of valueRows) {
    if (y >= titleTop - pad && y <= titleBottom + pad) continue;  // beside the title: its ink is there too
    for (let x = 0; x < left; x++) if (inked(x, y)) { valuesLeft = Math.min(valuesLeft, x); break; }
  }
  return { ratio, titleLeft, titleRight, valuesLeft, valueRows: valueRows.size };
}"""


def test_the_instances_chart_keeps_its_axis_title_clear_of_large_counts(
    big_server: tuple[LiveServer, str], sign_in_as: Callable[..., Page]
) -> None:
    server, _ = big_server
    for viewport in (LAPTOP, SMALL):
        page = sign_in_as(server, "viewer", viewport=viewport)
        page.goto("/metrics-dashboard")
        chart = page.get_by_test_id("chart-instances")
        expect(chart.locator("canvas")).to_have_count(1)
        chart.scroll_into_view_if_needed()
        ink = page.evaluate(_AXIS_INK, "chart-instances")
        assert ink["valueRows"] > 0, ink
        assert ink["titleRight"] >= 0, ink  # the title "instances" is drawn
        assert ink["titleLeft"] > 0, ink  # whole, not cut at the canvas's edge
        # at least two pixels of white between the title and the widest count (10,000)
        assert ink["titleRight"] + 2 * ink["ratio"] < ink["valuesLeft"], ink
        screenshot(page, f"metrics-chart-axis-{viewport['width']}")


def test_cost_names_and_durations_read_whole(
    big_server: tuple[LiveServer, str], sign_in_as: Callable[..., Page]
) -> None:
    """The cost per workflow and per agent name each bar in a row of its own (on a chart's axis the names ran
    into one another), and the durations table keeps each figure on one line, inside its card."""
    server, _ = big_server
    page = sign_in_as(server, "viewer", viewport=LAPTOP)
    page.goto("/metrics-dashboard")
    for chart in ("chart-cost-workflow", "chart-cost-agent"):
        names = page.get_by_test_id(chart).locator(".cost-bar-name")
        expect(names.first).to_be_visible()
        boxes = [names.nth(i).bounding_box() for i in range(names.count())]
        assert len(boxes) > 3, boxes  # the demo's flows and agents have spent
        for above, below in itertools.pairwise(boxes):
            assert above is not None
            assert below is not None
            assert above["y"] + above["height"] <= below["y"], (above, below)
        clipped = names.evaluate_all("els => els.filter(e => e.scrollWidth > e.clientWidth).map(e => e.textContent)")
        assert clipped == [], clipped
    spread = page.get_by_test_id("duration-spread")
    spread.scroll_into_view_if_needed()
    wrapped = spread.locator("td").evaluate_all("""cells => cells.filter(cell => {
        const range = document.createRange(); range.selectNodeContents(cell);
        return range.getClientRects().length > 1;
    }).map(cell => cell.textContent)""")
    assert wrapped == [], wrapped
    card = page.locator(".chart-card", has=spread).bounding_box()
    table = spread.bounding_box()
    assert card is not None
    assert table is not None
    assert table["x"] + table["width"] <= card["x"] + card["width"], (table, card)
    screenshot(page, "metrics-costs-and-durations")


def test_the_instance_list_pages_through_ten_thousand(
    big_server: tuple[LiveServer, str], sign_in_as: Callable[..., Page]
) -> None:
    server, _ = big_server
    page = sign_in_as(server, "viewer", viewport=SMALL)
    page.goto(LISTED)
    total = page.get_by_test_id("instances-total")
    expect(total).to_have_text(_showing("1", "50"))
    pager = page.get_by_test_id("pager-top")
    expect(pager.get_by_test_id("pager-top-pages")).to_have_text(f"{PAGES:,}")
    expect(pager.get_by_test_id("pager-top-newest")).to_be_disabled()

    pager.get_by_test_id("pager-top-oldest").click()
    expect(total).to_have_text(_showing("9,951", "10,000"))
    expect(page.get_by_test_id("instances-table").locator("tbody tr")).to_have_count(50)
    expect(pager.get_by_test_id("pager-top-older")).to_be_disabled()
    expect(pager.get_by_test_id("pager-top-page")).to_have_value(f"{PAGES:,}")

    jump = pager.get_by_test_id("pager-top-page")
    jump.fill("100")
    jump.press("Enter")
    expect(total).to_have_text(_showing("4,951", "5,000"))
    expect(page).to_have_url(re.compile(r"offset=4950$"))
    screenshot(page, "instances-at-scale")

    # at the foot of a page, Older shows the next page from its top, not from its foot
    main = page.locator("#main")
    main.evaluate("e => { e.scrollTop = e.scrollHeight; }")
    page.get_by_test_id("pager-bottom-older").click()
    expect(total).to_have_text(_showing("5,001", "5,050"))
    first_row = page.get_by_test_id("instances-table").locator("tbody tr").first
    expect(first_row).to_be_in_viewport()

    page.goto(f"{LISTED}&offset=20000")
    expect(page.get_by_test_id("instances-past-the-end")).to_contain_text(
        f"There is no page 401: the 10,000 instances fill {PAGES} pages.")
    page.get_by_test_id("instances-past-the-end").get_by_role("button", name="Go to the last page").click()
    expect(total).to_have_text(_showing("9,951", "10,000"))

    page.goto("/instances?version=two")
    expect(page.get_by_test_id("instances-bad-filter")).to_contain_text("The version “two” is not a whole number")


def test_a_long_history_shows_the_latest_first_and_the_older_on_request(
    big_server: tuple[LiveServer, str], sign_in_as: Callable[..., Page]
) -> None:
    server, instance_id = big_server
    page = sign_in_as(server, "approver", viewport=LAPTOP)
    page.goto("/inbox")
    page.get_by_test_id(f"approval-{ASKED['id']}").click()
    history = page.get_by_test_id("approval-history")
    history.locator("summary").click()
    cut = history.get_by_test_id("approval-history-cut")
    expect(cut).to_have_text(f"Latest 50 of {TRANSITIONS} transitions — see the full history in the instance monitor.")
    cut.get_by_role("link", name="instance monitor").click()
    expect(page).to_have_url(re.compile(f"/instances/{instance_id}$"))

    shown = page.get_by_test_id("timeline-shown")
    expect(shown).to_have_text(f"Showing the latest 500 of {TRANSITIONS} transitions")
    rows = page.get_by_test_id("timeline").locator("tbody tr")
    expect(rows).to_have_count(500)
    expect(rows.first).to_have_attribute("data-testid", f"timeline-row-{TRANSITIONS}")  # the latest, on top
    expect(rows.first).to_be_in_viewport()
    expect(rows.last).to_have_attribute("data-testid", f"timeline-row-{TRANSITIONS - 499}")
    # the path covers the latest 500 transitions (the detail reads no more) and says earlier states came first
    expect(page.get_by_test_id("instance-path")).to_have_text("… → review")
    expect(page.get_by_test_id("instance-path-earlier")).to_have_attribute(
        "title", "Earlier states are in the older transitions of the Timeline")
    screenshot(page, "instance-long-history-latest")

    older = page.get_by_test_id("timeline-older")
    expect(older).to_have_text(f"Show {TRANSITIONS - 500} older")
    older.click()
    expect(shown).to_have_text(f"All {TRANSITIONS} transitions")
    expect(rows).to_have_count(TRANSITIONS)
    expect(rows.last).to_have_attribute("data-testid", "timeline-row-1")
    expect(page.get_by_test_id("timeline-older")).to_have_count(0)

    page.get_by_test_id("timeline-order").select_option("oldest")
    expect(rows.first).to_have_attribute("data-testid", "timeline-row-1")

    # the instance moves on: its new transition joins what is shown
    server.api("POST", f"/api/instances/{instance_id}/events", {"event": "revise"}, token=server.token("analyst"))
    expect(shown).to_have_text(f"All {TRANSITIONS + 1} transitions")
    expect(rows.last).to_have_attribute("data-testid", f"timeline-row-{TRANSITIONS + 1}")
    screenshot(page, "instance-long-history-all")
