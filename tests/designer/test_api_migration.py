"""Migrating running instances over the API: the draft's preview before publishing, the version preview after,
and the apply by a publisher — each limited to the caller's tenant, bad input a 4xx problem."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from designer_support import Env, assert_problem, username

FLOW: dict[str, Any] = {
    "id": "door_flow", "title": "Door", "initial": "knock",
    "states": {"knock": {"type": "wait", "duration": "P1D"},
               "review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}},
               "open": {"type": "final"}, "shut": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "knock", "trigger": "done", "dest": "review"},
                    {"source": "knock", "trigger": "ring", "dest": "review"},
                    {"source": "review", "trigger": "approve", "dest": "open"},
                    {"source": "review", "trigger": "reject", "dest": "shut"}],
}


def _renamed() -> dict[str, Any]:
    """Version 2: 'knock' became 'ring_bell'."""
    flow = copy.deepcopy(FLOW)
    flow["states"]["ring_bell"] = flow["states"].pop("knock")
    flow["initial"] = "ring_bell"
    for transition in flow["transitions"]:
        transition["source"] = "ring_bell" if transition["source"] == "knock" else transition["source"]
    return flow


@pytest.fixture(scope="module")
def started(env: Env) -> dict[str, list[str]]:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": FLOW}).json()
    assert env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher").status_code == 201
    ids: dict[str, list[str]] = {"acme": [], "globex": []}
    for tenant, count in (("acme", 2), ("globex", 1)):
        for _ in range(count):
            made = env.call("POST", "/api/instances", "analyst", tenant=tenant,
                            json={"workflow_id": "door_flow", "context": {}})
            assert made.status_code == 201, made.text
            ids[tenant].append(made.json()["id"])
    return ids


def test_preview_before_publishing_then_apply_after(env: Env, started: dict[str, list[str]]) -> None:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": _renamed()}).json()
    before = env.call("GET", f"/api/drafts/{draft['id']}/migration?renames=false", "viewer")  # `map` alone
    assert before.status_code == 200, before.text
    shown = before.json()
    assert shown["renames"] == {}
    assert (shown["from_version"], shown["to_version"], shown["instances"], shown["refused"]) == (1, 2, 2, 2)
    assert {p["instance_id"] for p in shown["plans"]} == set(started["acme"])  # the caller's tenant only
    assert shown["refusals"] == [{"reason": "the state 'knock' is not in version 2; map it to one of its states",
                                  "instances": 2}]
    mapped = env.call("GET", f"/api/drafts/{draft['id']}/migration?map=knock:ring_bell", "viewer").json()
    assert (mapped["would_migrate"], mapped["plans"][0]["state_change"]) == (2, "mapped")

    published = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher", json={"confirm_replace": True})
    assert published.status_code == 201, published.text
    preview = env.call("GET", "/api/definitions/door_flow/migration?from=1&to=2&map=knock:ring_bell", "viewer")
    assert preview.json()["plans"] == mapped["plans"]
    body = {"from_version": 1, "to_version": 2, "mapping": {"knock": "ring_bell"}}
    assert_problem(env.call("POST", "/api/definitions/door_flow/migration", "analyst", json=body), 403, "forbidden")
    applied = env.call("POST", "/api/definitions/door_flow/migration", "publisher", json=body)
    assert applied.status_code == 200, applied.text
    assert applied.json()["migrated"] == 2  # how many moved: each plan not refused
    assert sorted(p["instance_id"] for p in applied.json()["plans"]) == sorted(started["acme"])
    assert [p["refused"] for p in applied.json()["plans"]] == [None, None]
    assert applied.json()["next"] is None  # an apply's answer is its first page; the moved ones list no more
    assert [(g["state"], g["target_state"], g["instances"]) for g in applied.json()["groups"]] == [
        ("knock", "ring_bell", 2)]
    for instance_id in started["acme"]:
        detail = env.call("GET", f"/api/instances/{instance_id}", "viewer").json()
        assert (detail["state"], detail["version"]) == ("ring_bell", 2)
        history = env.call("GET", f"/api/instances/{instance_id}/history", "viewer").json()["items"]
        assert (history[-1]["event"], history[-1]["actor"]) == ("(migrate)", username("publisher"))
        assert env.call("POST", f"/api/instances/{instance_id}/events", "analyst",
                        json={"event": "ring"}).json()["state"] == "review"
    other = env.call("GET", f"/api/instances/{started['globex'][0]}", "viewer", tenant="globex").json()
    assert (other["state"], other["version"]) == ("knock", 1)  # another tenant's instance is untouched


@pytest.fixture(scope="module")
def gate_flow(env: Env) -> str:
    """A workflow of its own deployed at versions 1 and 2 (as door_flow's are), so that the bad-input cases
    below do not depend on another test having published door_flow's second version (run alone, with `-k` or
    on another xdist worker, they met a 404 instead)."""
    for version, flow in ((1, FLOW), (2, _renamed())):
        env.services.engine.deploy({**copy.deepcopy(flow), "id": "gate_flow", "version": version})
    return "gate_flow"


@pytest.mark.parametrize(("query", "status"), [
    ("from=1&to=1", 422), ("from=1&to=9", 404), ("from=0&to=2", 400), ("from=1", 400),
    ("from=1&to=2&map=knock", 400), ("from=1&to=2&map=knock:nowhere", 422),
    ("from=1&to=2&map=knock:review,knock:ring_bell", 422),
    ("from=1&to=2&map=knock:review&map=knock:ring_bell", 400),
])
def test_bad_previews_are_problems(env: Env, gate_flow: str, query: str, status: int) -> None:
    assert_problem(env.call("GET", f"/api/definitions/{gate_flow}/migration?{query}", "viewer"), status)


@pytest.mark.parametrize(("query", "status", "said"), [
    ("limit=0", 400, "query limit: Expected `int` >= 1"), ("limit=1001", 400, "query limit: Expected `int` <= 1000"),
    ("limit=ten", 400, "query limit: 'ten' is not an integer: limit is a whole number"),
    ("state=no%20such", 400, "query state: the value is not an id: an id is made of letters"),
    (f"after={'x' * 129}", 400, "query after: Expected `str` of length <= 128"),
])
def test_bad_pages_are_problems_naming_the_parameter(env: Env, gate_flow: str, query: str, status: int,
                                                     said: str) -> None:
    problem = assert_problem(env.call("GET", f"/api/definitions/{gate_flow}/migration?from=1&to=2&{query}",
                                      "viewer"), status)
    assert said in problem["detail"]


def test_a_drafts_preview_is_paged_too(env: Env, started: dict[str, list[str]]) -> None:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": {**FLOW, "title": "Door, renamed"}}).json()
    first = env.call("GET", f"/api/drafts/{draft['id']}/migration?limit=1", "viewer").json()
    everyone = env.call("GET", f"/api/drafts/{draft['id']}/migration", "viewer").json()
    ids = sorted(p["instance_id"] for p in everyone["plans"])
    assert ([p["instance_id"] for p in first["plans"]], first["next"]) == (ids[:1], ids[0])
    second = env.call("GET", f"/api/drafts/{draft['id']}/migration?limit=1&after={first['next']}", "viewer").json()
    assert ([p["instance_id"] for p in second["plans"]], second["next"]) == (ids[1:], None)
    assert [(g["state"], g["instances"]) for g in first["groups"]] == [(everyone["plans"][0]["state"], len(ids))]
    gone = f"{ids[0]}0"  # between the two: as if the instance a page ended on had ended since
    after_gone = env.call("GET", f"/api/drafts/{draft['id']}/migration?limit=1&after={gone}", "viewer").json()
    assert [p["instance_id"] for p in after_gone["plans"]] == ids[1:]


@pytest.mark.parametrize(("body", "status"), [
    ({"from_version": 1, "to_version": 1}, 422),
    ({"from_version": 1, "to_version": 2, "mapping": {"knock": "nowhere"}}, 422),
    ({"from_version": 1, "to_version": 2, "extra": True}, 400),
    ({"from_version": 1}, 400),
])
def test_bad_applies_are_problems(env: Env, gate_flow: str, body: dict[str, Any], status: int) -> None:
    assert_problem(env.call("POST", f"/api/definitions/{gate_flow}/migration", "publisher", json=body), status)


def test_an_apply_whose_mapping_names_a_state_twice_is_refused_naming_it(env: Env, gate_flow: str) -> None:
    """JSON keeps the last of a repeated key; the mapping would then be 'knock' → 'ring_bell' without a word
    about the 'review' the caller also wrote. Refused as any body with a key given twice is
    (test_api_duplicate_keys.py), and as `statewright migrate --map` refuses such a file."""
    text = '{"from_version": 1, "to_version": 2, "mapping": {"knock": "review", "knock": "ring_bell"}}'
    response = env.call("POST", f"/api/definitions/{gate_flow}/migration", "publisher", content=text,
                        headers={"Content-Type": "application/json"})
    problem = assert_problem(response, 400, "bad-request")
    message = ("the key 'knock' is given twice in one object; a key may appear once (the second value would "
               "silently replace the first)")
    assert problem["errors"] == [{"message": message, "key": "mapping.knock", "source": "body"}]
    assert problem["detail"] == f"Validation failed: body mapping.knock: {message}"
    forbidden = env.call("POST", f"/api/definitions/{gate_flow}/migration", "analyst", content=text,
                         headers={"Content-Type": "application/json"})
    assert_problem(forbidden, 403, "forbidden")  # the permission is checked first
    once = text.replace('"knock": "review", ', "")
    assert env.call("POST", f"/api/definitions/{gate_flow}/migration", "publisher", content=once,
                    headers={"Content-Type": "application/json"}).status_code == 200


def test_a_draft_of_an_unpublished_workflow_has_no_preview(env: Env) -> None:
    fresh = {**copy.deepcopy(FLOW), "id": "never_published"}
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": fresh}).json()
    assert_problem(env.call("GET", f"/api/drafts/{draft['id']}/migration", "viewer"), 404)


def _signed_off(quorum: int, title: str = "Sign-off") -> dict[str, Any]:
    return {"id": "signoff_flow", "title": title, "initial": "review",
            "states": {"review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}, "quorum": quorum,
                                  "timeout": "PT48H"},
                       "open": {"type": "final"}, "shut": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "review", "trigger": "approve", "dest": "open"},
                            {"source": "review", "trigger": "reject", "dest": "shut"},
                            {"source": "review", "trigger": "timeout", "dest": "shut"}]}


def test_the_preview_gives_a_timers_due_time_and_an_approvals_decisions_so_far(env: Env) -> None:
    """Carried (only the title changed) or cancelled (the quorum changed): the fields are the same, the due time
    an RFC 3339 time; fields of another kind are null."""
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": _signed_off(2)}).json()
    assert env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher").status_code == 201
    started = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "signoff_flow", "context": {}})
    assert started.status_code == 201, started.text
    instance_id = started.json()["id"]
    [approval] = env.call("GET", f"/api/approvals?instance={instance_id}", "approver").json()["items"]
    decided = env.call("POST", f"/api/approvals/{approval['id']}/decision", "approver", json={"decision": "approve"})
    assert decided.status_code == 200, decided.text

    for content, outcome in ((_signed_off(2, "Sign-off, renamed"), "carried"), (_signed_off(3), "cancelled")):
        draft = env.call("POST", "/api/drafts", "analyst", json={"content": content}).json()
        preview = env.call("GET", f"/api/drafts/{draft['id']}/migration", "viewer")
        assert preview.status_code == 200, preview.text
        [plan] = preview.json()["plans"]
        timer, pending = plan["pending"]
        assert timer == {"kind": "timer", "detail": f"'timeout' due {approval['due_at']}", "outcome": outcome,
                         "due_at": approval["due_at"], "event": "timeout", "correlation_key": None,
                         "approval_id": None, "approvals": None, "quorum": None}
        assert {k: pending[k] for k in ("kind", "approval_id", "approvals", "quorum", "due_at", "outcome")} == {
            "kind": "approval", "approval_id": approval["id"], "approvals": 1, "quorum": 2, "due_at": None,
            "outcome": outcome}
