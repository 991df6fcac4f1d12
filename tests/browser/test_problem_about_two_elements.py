"""A problem about a transition and a state — a trigger the state never sends, a transition leaving a final state
— used to select both, so the inspector said "2 elements selected" and no field opened. A click on it now selects
the transition its pointer is inside and opens the inspector at the field at fault (the trigger, the From), while
the state it is also about is ringed on the canvas, not selected, until the person selects something else."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_steps import SignIn, at_the_field, open_draft, screenshot, select_state, state, transition_label
from live_server import LiveServer
from playwright.sync_api import Locator, expect

pytestmark = pytest.mark.browser

SELECTED = re.compile(r"\bselected\b")
INVOLVED = re.compile(r"\binvolved\b")

FLOW: dict[str, Any] = {
    "id": "problem_about_two",
    "title": "Problem about two elements",
    "initial": "work",
    "states": {
        "work": {"type": "task", "action": "score_lead", "title": "Score the lead"},
        "finished": {"type": "final", "outcome": "success"},
        "closed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "work", "trigger": "approve", "dest": "finished"},  # a task never ends with 'approve'
        {"source": "work", "trigger": "done", "dest": "finished"},
        {"source": "work", "trigger": "error", "dest": "closed"},
        {"source": "finished", "trigger": "done", "dest": "closed"},  # leaves a final state
    ],
    "layout": {"work": {"x": 0, "y": 0}, "finished": {"x": -160, "y": 200}, "closed": {"x": 160, "y": 200}},
}


def _shown_beside(element: Locator) -> None:
    """Ringed as also concerned, and not selected."""
    expect(element).to_have_attribute("data-involved", "true")
    expect(element).to_have_class(INVOLVED)
    expect(element).not_to_have_class(SELECTED)


def test_a_problem_about_a_transition_and_a_state_opens_the_transitions_field(
    server: LiveServer, sign_in: SignIn
) -> None:
    page = open_draft(server, sign_in, FLOW, showing="work")
    problems = page.get_by_test_id("findings-panel")
    unused = problems.get_by_test_id("finding-unused-trigger")
    expect(unused).to_have_attribute("data-states", "work")  # the finding names the state and the transition

    unused.click()
    expect(page.get_by_test_id("multi-inspector")).to_have_count(0)
    expect(page.get_by_test_id("transition-inspector")).to_have_attribute("aria-label", "Transition 1")
    trigger = page.get_by_test_id("field-trigger")
    expect(trigger).to_have_value("approve")
    at_the_field(trigger)
    expect(transition_label(page, 0)).to_have_class(SELECTED)
    _shown_beside(state(page, "work"))
    expect(state(page, "finished")).not_to_have_attribute("data-involved", "true")
    screenshot(page, "problem-about-two-opens-the-trigger")

    # The fix goes on in the field at fault: typed there, it leaves the transition selected.
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("done")
    expect(trigger).to_have_value("done")
    expect(transition_label(page, 0)).to_have_class(SELECTED)

    # A transition out of a final state (not drawn: a final state has no exit): its From, the state beside it.
    problems.get_by_test_id("finding-exit-from-final").click()
    expect(page.get_by_test_id("transition-inspector")).to_have_attribute("aria-label", "Transition 4")
    source = page.get_by_test_id("field-source")
    expect(source).to_have_value("finished")
    at_the_field(source)
    _shown_beside(state(page, "finished"))
    expect(state(page, "work")).not_to_have_attribute("data-involved", "true")
    screenshot(page, "problem-about-two-opens-the-source")

    # Selecting something else takes the ring away.
    select_state(page, "closed")
    expect(page.get_by_test_id("field-id")).to_have_value("closed")
    expect(page.locator("[data-involved]")).to_have_count(0)
