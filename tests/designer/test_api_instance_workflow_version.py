"""An instance's workflow version goes by one name everywhere: `workflow_version`, as the engine's instance view and
the CLI's JSON call it (where `version` counts the instance's transitions). The API's `version` stays, the same
number, for the clients that read it."""

from __future__ import annotations

import copy

from designer_support import Env

FLOW = {"id": "versioned_flow", "title": "Versioned", "initial": "wait_here",
        "states": {"wait_here": {"type": "wait", "duration": "P1D"}, "end": {"type": "final"}},
        "transitions": [{"source": "wait_here", "trigger": "done", "dest": "end"},
                        {"source": "wait_here", "trigger": "go", "dest": "end"}]}


def _publish(env: Env, content: dict[str, object]) -> None:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": content}).json()
    published = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher", json={"confirm_replace": True})
    assert published.status_code == 201, published.text


def test_the_summary_the_list_and_the_detail_name_the_workflow_version(env: Env) -> None:
    _publish(env, FLOW)
    second = copy.deepcopy(FLOW)
    second["title"] = "Versioned, again"
    _publish(env, second)
    made = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "versioned_flow", "context": {}})
    assert made.status_code == 201, made.text
    assert (made.json()["workflow_version"], made.json()["version"]) == (2, 2)
    sent = env.call("POST", f"/api/instances/{made.json()['id']}/events", "analyst", json={"event": "go"})
    assert sent.status_code == 200, sent.text
    detail = env.call("GET", f"/api/instances/{made.json()['id']}", "viewer").json()
    assert (detail["workflow_version"], detail["version"], detail["history_total"]) == (2, 2, 2)
    listed = env.call("GET", "/api/instances?workflow=versioned_flow", "viewer").json()["items"]
    assert [(i["workflow_version"], i["version"]) for i in listed] == [(2, 2)]
