"""The version diff the designer's Versions tab reads names each state renamed: `states.renamed`, old id → new id.

A state renamed in the Inspector and published read, in the Versions tab, as a state added and another removed
with each of its transitions removed and added again, while the publish dialog said "State wait_ack renamed to
await_acknowledgement" and the migration mapped it so. The diff now carries the renames by the engine's one rule
(`engine.definition.renames`), so the tab can tell them as the dialog does; the publish preview's diff carries
them too. Compared id by id, the lists stay as they were.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from designer_support import Env

from engine.runtime.actions import ActionRequest, ActionResult


def _page(request: ActionRequest) -> ActionResult:
    return ActionResult({})


@pytest.fixture(scope="module", autouse=True)
def actions(env: Env) -> None:
    env.services.engine.register("page_on_call", _page)


def _flow(workflow_id: str) -> dict[str, Any]:
    return {
        "id": workflow_id, "title": "Incident acknowledgement", "initial": "page_oncall",
        "states": {"page_oncall": {"type": "task", "action": "page_on_call"},
                   "wait_ack": {"type": "wait", "title": "Wait for the acknowledgement",
                                "event": {"type": "incident.acknowledged"}, "timeout": "PT15M"},
                   "done": {"type": "final", "outcome": "success"},
                   "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "page_oncall", "trigger": "done", "dest": "wait_ack"},
                        {"source": "page_oncall", "trigger": "error", "dest": "failed"},
                        {"source": "wait_ack", "trigger": "done", "dest": "done"},
                        {"source": "wait_ack", "trigger": "timeout", "dest": "failed"}],
    }


def _renamed(content: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    moved: dict[str, Any] = json.loads(json.dumps(content).replace(f'"{old}"', f'"{new}"'))
    moved["states"][new]["title"] = "Wait until someone acknowledges"  # words for people may change too
    return moved


def _publish(env: Env, content: dict[str, Any]) -> None:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": content}).json()
    published = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher")
    assert published.status_code == 201, published.text


def _next_draft(env: Env, workflow_id: str, edit: Any) -> str:
    """A draft of the next version: the latest one, edited by `edit`."""
    draft = env.call("POST", "/api/drafts", "analyst", json={"workflow_id": workflow_id}).json()
    saved = env.call("PUT", f"/api/drafts/{draft['id']}", "analyst", json={"content": edit(draft["content"])})
    assert saved.status_code == 200, saved.text
    return str(draft["id"])


def test_the_diff_and_the_publish_preview_name_a_renamed_state(env: Env) -> None:
    workflow_id = f"ack_{uuid.uuid4().hex[:8]}"
    _publish(env, _flow(workflow_id))
    draft = _next_draft(env, workflow_id, lambda content: _renamed(content, "wait_ack", "await_acknowledgement"))

    preview = env.call("GET", f"/api/drafts/{draft}/publication", "analyst").json()
    assert preview["diff"]["states"]["renamed"] == {"wait_ack": "await_acknowledgement"}

    published = env.call("POST", f"/api/drafts/{draft}/publish", "publisher")
    assert published.status_code == 201, published.text
    diff = env.call("GET", f"/api/definitions/{workflow_id}/diff?from=1&to=2", "viewer").json()
    assert diff["states"]["renamed"] == {"wait_ack": "await_acknowledgement"}
    assert diff["states"]["added"] == ["await_acknowledgement"]  # id by id, as clients compared before
    assert diff["states"]["removed"] == ["wait_ack"]
    backwards = env.call("GET", f"/api/definitions/{workflow_id}/diff?from=2&to=1", "viewer").json()
    assert backwards["states"]["renamed"] == {"await_acknowledgement": "wait_ack"}


def test_a_final_state_replaced_by_another_is_not_a_rename(env: Env) -> None:
    workflow_id = f"ack_{uuid.uuid4().hex[:8]}"
    _publish(env, _flow(workflow_id))
    draft = _next_draft(env, workflow_id, lambda content: json.loads(
        json.dumps(content).replace('"failed"', '"not_acknowledged"')))
    published = env.call("POST", f"/api/drafts/{draft}/publish", "publisher")
    assert published.status_code == 201, published.text
    diff = env.call("GET", f"/api/definitions/{workflow_id}/diff?from=1&to=2", "viewer").json()
    assert diff["states"]["renamed"] == {}
    assert (diff["states"]["added"], diff["states"]["removed"]) == (["not_acknowledged"], ["failed"])
