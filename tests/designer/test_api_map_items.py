"""GET /api/instances/{id}/items: the items of an instance's latest map visit — in item order, a page at a time,
of one status if asked, counted by status, each failed one with its error — the caller's tenant only; a map that
ended having tolerated failures still says which items failed and why."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from designer_support import Env, assert_problem

from engine.runtime.actions import ActionError, ActionRequest, ActionResult

SORTING: dict[str, Any] = {
    "id": "ticket_sorting",
    "title": "Ticket sorting",
    "initial": "each",
    "states": {
        "each": {"type": "map", "items": "tickets", "max_concurrency": 20, "tolerated_failures": 2,
                 "output": "sorted", "iterator": {
                     "initial": "route",
                     "states": {"route": {"type": "choice"},
                                "wait_reply": {"type": "wait", "event": {"type": "reply"}},
                                "classify": {"type": "task", "action": "classify_ticket", "input": {"ticket": "item"}},
                                "sorted": {"type": "final", "result": {"ticket": "item"}},
                                "unsorted": {"type": "final", "outcome": "failure"}},
                     "transitions": [{"source": "route", "dest": "sorted", "guard": "item == 'ok'"},
                                     {"source": "route", "dest": "wait_reply", "guard": "item == 'slow'"},
                                     {"source": "route", "dest": "unsorted", "guard": "item == 'spam'"},
                                     {"source": "route", "dest": "classify"},
                                     {"source": "classify", "trigger": "done", "dest": "sorted"},
                                     {"source": "wait_reply", "trigger": "done", "dest": "sorted"}]}},
        "finished": {"type": "final", "outcome": "success"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [{"source": "each", "trigger": "done", "dest": "finished"},
                    {"source": "each", "trigger": "error", "dest": "failed"}],
}
# item 10 fails, items 11 and 12 wait: more than ten items, so '#9' must come before '#10'
TICKETS = ["ok"] * 10 + ["bad", "slow", "slow"]


def _classify(request: ActionRequest) -> str:
    raise ActionError("validation", f"ticket {request.input['ticket']!r} has no subject", retryable=False)


@pytest.fixture(scope="module")
def sorting(env: Env) -> str:
    env.services.engine.register("classify_ticket", _classify, replace=True)  # over the shipped handler
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": SORTING}).json()
    published = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher")
    assert published.status_code == 201, published.text
    started = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "ticket_sorting",
                                                                  "context": {"tickets": TICKETS}})
    assert started.status_code == 201, started.text
    env.services.engine.run_until_idle()
    return str(started.json()["id"])


def _items(env: Env, instance_id: str, query: str = "", tenant: str = "acme") -> dict[str, Any]:
    response = env.call("GET", f"/api/instances/{instance_id}/items{query}", "viewer", tenant=tenant)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def test_the_items_come_in_item_order_with_their_counts(env: Env, sorting: str) -> None:
    found = _items(env, sorting)
    assert (found["state"], found["total"], found["limit"], found["offset"]) == ("each", 13, 50, 0)
    assert found["counts"] == {"succeeded": 10, "failed": 1, "running": 2}
    assert [i["index"] for i in found["items"]] == list(range(13))
    assert [(i["status"], i["state"]) for i in found["items"][9:]] == [
        ("succeeded", "sorted"), ("failed", "classify"), ("running", "wait_reply"), ("running", "wait_reply")]
    assert all(i["instance_id"] and i["updated_at"] for i in found["items"])


def test_the_failed_items_say_why_and_a_page_is_a_slice(env: Env, sorting: str) -> None:
    failed = _items(env, sorting, "?status=failed")
    assert (failed["total"], [i["index"] for i in failed["items"]]) == (1, [10])
    error = failed["items"][0]["error"]
    assert (error["kind"], error["event"]) == ("unhandled", "error")  # the task's error path is not drawn
    assert error["payload"]["message"] == "ticket 'bad' has no subject"
    page = _items(env, sorting, "?limit=4&offset=8")
    assert ([i["index"] for i in page["items"]], page["total"]) == ([8, 9, 10, 11], 13)
    assert _items(env, sorting, "?status=running")["total"] == 2


def test_a_map_that_ended_still_lists_its_items(env: Env, sorting: str) -> None:
    for item in _items(env, sorting, "?status=running")["items"]:
        env.services.engine.cancel(item["instance_id"], actor="test")  # the waiting items give up: 3 failures
    env.services.engine.run_until_idle()
    detail = env.call("GET", f"/api/instances/{sorting}", "viewer").json()
    assert (detail["state"], detail["status"]) == ("failed", "failed")
    found = _items(env, sorting)
    assert (found["state"], found["counts"]) == ("each", {"succeeded": 10, "failed": 1, "cancelled": 2})


def test_an_instance_without_a_map_has_no_items(env: Env) -> None:
    plain = {"id": "plain", "title": "Plain", "initial": "open",
             "states": {"open": {"type": "wait", "duration": "P1D"}, "done": {"type": "final"}},
             "transitions": [{"source": "open", "trigger": "done", "dest": "done"}]}
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": plain}).json()
    env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher")
    started = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "plain", "context": {}}).json()
    found = _items(env, started["id"])
    assert (found["state"], found["visit_seq"], found["counts"], found["items"], found["total"]) == (
        None, None, {}, [], 0)


@pytest.mark.parametrize(("query", "said"), [
    ("?status=success", "query status"), ("?limit=0", "query limit"), ("?limit=501", "query limit"),
    ("?offset=-1", "query offset"), ("?colour=red", "colour"),
])
def test_bad_queries_are_problems_naming_the_parameter(env: Env, sorting: str, query: str, said: str) -> None:
    problem = assert_problem(env.call("GET", f"/api/instances/{sorting}/items{query}", "viewer"), 400)
    assert said in problem["detail"]


def test_another_tenants_instance_and_an_item_itself_are_not_found(env: Env, sorting: str) -> None:
    assert_problem(env.call("GET", f"/api/instances/{sorting}/items", "viewer", tenant="globex"), 404)
    item = _items(env, sorting)["items"][0]["instance_id"]
    assert_problem(env.call("GET", f"/api/instances/{item}/items", "viewer"), 404)


def test_one_items_history_is_read_through_its_parent(env: Env, sorting: str) -> None:
    failed = _items(env, sorting, "?status=failed")["items"][0]
    response = env.call("GET", f"/api/instances/{sorting}/items/{failed['index']}/history", "viewer")
    assert response.status_code == 200, response.text
    page = response.json()
    assert [(h["event"], h["to_state"]) for h in page["items"]][:2] == [("(start)", "route"), ("(auto)", "classify")]
    assert page["items"][-1]["event"] == "error"
    assert page["total"] == len(page["items"])
    assert_problem(env.call("GET", f"/api/instances/{sorting}/items/99/history", "viewer"), 404)
    assert_problem(env.call("GET", f"/api/instances/{sorting}/items/-1/history", "viewer"), 400)
    assert_problem(env.call("GET", f"/api/instances/{sorting}/items/1/history", "viewer", tenant="globex"), 404)


# Items whose flow handles their failure: a lookup's error goes on to the failure final state 'ko' (so the item
# has no error of its own: why is in its history), and spam goes there straight (no error anywhere)
ENRICHING: dict[str, Any] = {
    "id": "company_enriching",
    "title": "Company enriching",
    "initial": "each",
    "states": {
        "each": {"type": "map", "items": "emails", "max_concurrency": 20, "tolerated_failures": 10,
                 "output": "companies", "iterator": {
                     "initial": "route",
                     "states": {"route": {"type": "choice"},
                                "lookup": {"type": "task", "action": "lookup_company", "input": {"email": "item"}},
                                "found": {"type": "final", "result": {"email": "item"}},
                                "ko": {"type": "final", "outcome": "failure"}},
                     "transitions": [{"source": "route", "dest": "ko", "guard": "item == 'spam'"},
                                     {"source": "route", "dest": "lookup"},
                                     {"source": "lookup", "trigger": "done", "dest": "found"},
                                     {"source": "lookup", "trigger": "error", "dest": "ko"}]}},
        "finished": {"type": "final", "outcome": "success"},
        "failed": {"type": "final", "outcome": "failure"},
    },
    "transitions": [{"source": "each", "trigger": "done", "dest": "finished"},
                    {"source": "each", "trigger": "error", "dest": "failed"}],
}
EMAILS = ["ann@a.com", "bad@c.com", "spam", "worse@d.com", "bob@b.com"]


def _lookup(request: ActionRequest) -> ActionResult:
    email = request.input["email"]
    if not email.startswith(("ann", "bob")):
        raise ActionError("not_found", f"no company for {email}", retryable=False)
    return ActionResult({"company": email.split("@")[1]})


@pytest.fixture(scope="module")
def enriching(env: Env) -> str:
    env.services.engine.register("lookup_company", _lookup)
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": ENRICHING}).json()
    published = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher")
    assert published.status_code == 201, published.text
    started = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "company_enriching",
                                                                  "context": {"emails": EMAILS}})
    assert started.status_code == 201, started.text
    env.services.engine.run_until_idle()
    return str(started.json()["id"])


def test_an_item_whose_flow_handled_its_failure_says_why_from_its_history(env: Env, enriching: str) -> None:
    failed = _items(env, enriching, "?status=failed")
    assert [(i["index"], i["state"]) for i in failed["items"]] == [(1, "ko"), (2, "ko"), (3, "ko")]
    errors = [i["error"] for i in failed["items"]]
    assert errors == [
        {"kind": "not_found", "message": "no company for bad@c.com"},  # its task's error, taken to 'ko'
        {"kind": "failure_state", "message": "ended in the failure state 'ko'"},  # no error anywhere: went there
        {"kind": "not_found", "message": "no company for worse@d.com"},
    ]
    every = _items(env, enriching)
    assert [i["error"] for i in every["items"]] == [None, *errors, None]  # none for the items that succeeded


@pytest.fixture
def history_reads(env: Env) -> Iterator[list[str]]:
    """The statements that read the history, as the designer's pool sends them."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "history" in statement.lower():
            seen.append(statement)

    sa.event.listen(env.services.database, "before_cursor_execute", record)
    yield seen
    sa.event.remove(env.services.database, "before_cursor_execute", record)


def test_the_failed_items_of_a_page_are_explained_in_one_read(env: Env, enriching: str,
                                                              history_reads: list[str]) -> None:
    _items(env, enriching, "?status=succeeded")
    succeeded = len(history_reads)  # the map's visit (the state it entered), no item's history
    history_reads.clear()
    assert len(_items(env, enriching, "?status=failed")["items"]) == 3
    assert len(history_reads) == succeeded + 1  # three failed items: one more statement, not three
