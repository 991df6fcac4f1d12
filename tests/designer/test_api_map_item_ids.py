"""A map item's `instance_id` (from GET /api/instances/{id}/items) asked for by itself: the item is read through its
parent, so GET of its id is a 404 that says so — naming the parent and the item's `/items/{index}/history` — and
a redrive of it a 409 naming the instance to redrive; another tenant asking gets a plain 404 with no hint."""

from __future__ import annotations

from typing import Any

import pytest
from designer_support import Env, assert_problem

# item 1 ("bad") fails and nothing tolerates it: the instance fails in the map
STRICT: dict[str, Any] = {
    "id": "strict_sorting",
    "title": "Strict sorting",
    "initial": "each",
    "states": {
        "each": {"type": "map", "items": "tickets", "max_concurrency": 5, "output": "sorted", "iterator": {
            "initial": "route",
            "states": {"route": {"type": "choice"}, "sorted": {"type": "final", "result": {"ticket": "item"}},
                       "unsorted": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "route", "dest": "sorted", "guard": "item == 'ok'"},
                            {"source": "route", "dest": "unsorted"}]}},
        "finished": {"type": "final", "outcome": "success"},
    },
    "transitions": [{"source": "each", "trigger": "done", "dest": "finished"}],
}


@pytest.fixture(scope="module")
def published(env: Env) -> None:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": STRICT}).json()
    response = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher")
    assert response.status_code == 201, response.text


@pytest.fixture
def failed(env: Env, published: None) -> str:
    """An instance of its own per test (one redrives it): failed in its map, item 1 the failure."""
    started = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "strict_sorting",
                                                                  "context": {"tickets": ["ok", "bad", "ok"]}})
    assert started.status_code == 201, started.text
    env.services.engine.run_until_idle()
    assert env.call("GET", f"/api/instances/{started.json()['id']}", "viewer").json()["status"] == "failed"
    return str(started.json()["id"])


def _item(env: Env, parent: str, index: int) -> str:
    items = env.call("GET", f"/api/instances/{parent}/items", "viewer").json()["items"]
    return str(next(i["instance_id"] for i in items if i["index"] == index))


def test_an_items_id_is_a_404_naming_its_parent_and_its_history(env: Env, failed: str) -> None:
    item = _item(env, failed, 1)
    problem = assert_problem(env.call("GET", f"/api/instances/{item}", "viewer"), 404, "instance-not-found")
    assert f"item 1 of the map of the instance {failed}" in problem["detail"]
    assert f"GET /api/instances/{failed}/items/1/history" in problem["detail"]
    history = env.call("GET", f"/api/instances/{failed}/items/1/history", "viewer")  # where it points: it works
    assert history.status_code == 200, history.text
    for path in ("history", "items"):  # its other reads say the same
        said = assert_problem(env.call("GET", f"/api/instances/{item}/{path}", "viewer"), 404)["detail"]
        assert f"/api/instances/{failed}/items/1/history" in said
    for method, path in (("GET", ""), ("POST", "/redrive"), ("GET", "/history")):  # another tenant: no hint
        problem = assert_problem(env.call(method, f"/api/instances/{item}{path}", "analyst", tenant="globex"), 404)
        assert problem["detail"] == f"no instance '{item}'"


def test_redriving_an_item_is_a_409_naming_the_instance_to_redrive(env: Env, failed: str) -> None:
    item = _item(env, failed, 1)
    problem = assert_problem(env.call("POST", f"/api/instances/{item}/redrive", "analyst"), 409, "redrive-refused")
    assert f"item 1 of the map of the instance {failed}" in problem["detail"]
    assert f"POST /api/instances/{failed}/redrive" in problem["detail"]
    assert env.call("GET", f"/api/instances/{failed}", "viewer").json()["status"] == "failed"  # nothing redriven


def test_an_item_of_an_earlier_visit_points_at_the_latest_items(env: Env, failed: str) -> None:
    """After a redrive the map's latest visit has items of its own: an item of the visit redriven is not the one
    `/items/1/history` reads, and the answer says so instead of pointing there."""
    before = _item(env, failed, 1)
    redriven = env.call("POST", f"/api/instances/{failed}/redrive", "analyst",
                        json={"set": {"tickets": ["ok", "ok", "ok"]}})
    assert redriven.status_code == 200, redriven.text
    env.services.engine.run_until_idle()
    assert _item(env, failed, 1) != before
    said = assert_problem(env.call("GET", f"/api/instances/{before}", "viewer"), 404)["detail"]
    assert f"item 1 of an earlier visit of a map of the instance {failed}" in said
    assert f"GET /api/instances/{failed}/items" in said
    assert "/items/1/history" not in said
