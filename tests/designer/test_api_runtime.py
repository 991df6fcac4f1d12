"""Definitions, instances, approvals, events, simulation and metrics over the real app and a real engine.

The flows are published through the API (draft, then publish) and run by the engine's own worker loop
(`run_until_idle`) with a registered action handler.
"""

from __future__ import annotations

import copy
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from designer_support import PASSWORD, PAYMENT_FLOW, REVIEW_FLOW, Env, assert_problem, username

from engine.runtime.actions import ActionError, ActionRequest, ActionResult, Cost

_flaky_seen: set[str] = set()


def _prepare_offer(request: ActionRequest) -> ActionResult:
    if request.context.get("flaky") and request.instance_id not in _flaky_seen:
        _flaky_seen.add(request.instance_id)
        raise ActionError("rate_limited", "try again")
    return ActionResult({"amount": request.input["amount"]}, Cost(0.25, tokens=100))


@pytest.fixture(scope="module", autouse=True)
def flows(env: Env) -> None:
    env.services.engine.register("prepare_offer", _prepare_offer)
    for flow in (REVIEW_FLOW, PAYMENT_FLOW):
        draft = env.call("POST", "/api/drafts", "analyst", json={"content": flow}).json()
        published = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher")
        assert published.status_code == 201, published.text


def _settle(env: Env) -> None:
    for _ in range(50):
        env.services.engine.run_until_idle()
        if not env.services.engine.list_instances(status="running", state="prepare"):
            return
        time.sleep(0.02)


def _start(env: Env, amount: int = 500, role: str = "analyst", tenant: str = "acme", **extra: Any) -> dict[str, Any]:
    body = {"workflow_id": "review_flow", "context": {"amount": amount, **extra}}
    response = env.call("POST", "/api/instances", role, tenant=tenant, json=body)
    assert response.status_code == 201, response.text
    _settle(env)
    detail: dict[str, Any] = env.call("GET", f"/api/instances/{response.json()['id']}", role, tenant=tenant).json()
    return detail


def _pending_approval(env: Env, instance: dict[str, Any]) -> dict[str, Any]:
    assert instance["state"] == "review", instance
    approvals: list[dict[str, Any]] = instance["pending_approvals"]
    assert len(approvals) == 1
    return approvals[0]


# --- definitions --------------------------------------------------------------------------------------


def test_the_shipped_definitions_are_deployed_at_start(env: Env) -> None:
    listed = env.call("GET", "/api/definitions?limit=500", "viewer").json()
    ids = {d["id"] for d in listed["items"]}
    assert {"lead_qualification", "support_ticket_triage", "review_flow", "payment_flow"} <= ids
    lead = env.call("GET", "/api/definitions/lead_qualification", "viewer").json()
    assert lead["definition"]["initial"] == lead["definition"]["initial"] == "extract"
    searched = env.call("GET", "/api/definitions?q=OFFER", "viewer").json()
    assert [d["id"] for d in searched["items"]] == ["review_flow"]


def test_publishing_adds_a_version_and_the_diff_shows_what_changed(env: Env) -> None:
    copy_of_v1 = env.call("POST", "/api/drafts", "analyst", json={"workflow_id": "payment_flow"}).json()
    assert copy_of_v1["base_version"] == 1
    content = copy.deepcopy(copy_of_v1["content"])
    content["states"]["refunded"] = {"type": "final", "outcome": "failure"}
    content["transitions"].append({"source": "await_payment", "trigger": "refund", "dest": "refunded"})
    content["transitions"][1]["dest"] = "refunded"
    del content["states"]["lapsed"]
    content["title"] = "Await a payment or a refund"
    env.call("PUT", f"/api/drafts/{copy_of_v1['id']}", "analyst", json={"content": content})
    published = env.call("POST", f"/api/drafts/{copy_of_v1['id']}/publish", "publisher")
    assert published.status_code == 201, published.text
    assert published.json()["version"] == 2
    assert_problem(env.call("GET", f"/api/drafts/{copy_of_v1['id']}", "viewer"), 404)
    assert published.json()["published_by"] == username("publisher")
    versions = env.call("GET", "/api/definitions/payment_flow/versions", "viewer").json()
    assert [v["version"] for v in versions["items"]] == [2, 1]
    assert versions["items"][0]["published_by"] == username("publisher")
    diff = env.call("GET", "/api/definitions/payment_flow/diff?from=1&to=2", "viewer").json()
    assert diff["states"]["added"] == ["refunded"]
    assert diff["states"]["removed"] == ["lapsed"]
    assert diff["fields"] == ["title"]
    added = {t["key"] for t in diff["transitions"]["added"]}
    assert added == {"await_payment-[refund]->refunded", "await_payment-[timeout]->refunded"}
    assert [t["key"] for t in diff["transitions"]["removed"]] == ["await_payment-[timeout]->lapsed"]
    assert env.call("GET", "/api/definitions/payment_flow/versions/1", "viewer").json()["definition"]["title"] == (
        "Await a payment"
    )


def test_a_draft_with_errors_is_not_published(env: Env) -> None:
    broken = copy.deepcopy(REVIEW_FLOW)
    broken["transitions"] = [t for t in broken["transitions"] if t.get("trigger") != "timeout"]
    broken["states"]["orphan"] = {"type": "final"}
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": broken}).json()
    refused = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher")
    body = assert_problem(refused, 422, "invalid-definition")
    assert any(f["code"] == "unreachable-state" and f["states"] == ["orphan"] for f in body["findings"])
    assert env.call("GET", f"/api/drafts/{draft['id']}", "viewer").status_code == 200
    versions = env.call("GET", "/api/definitions/review_flow/versions", "viewer").json()
    assert versions["total"] == 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/definitions/nope",
        "/api/definitions/nope/versions",
        "/api/definitions/review_flow/versions/99",
        "/api/definitions/review_flow/diff?from=1&to=99",
        "/api/definitions/review_flow/diagram?version=99",
    ],
)
def test_unknown_definitions_and_versions_are_404(env: Env, path: str) -> None:
    assert_problem(env.call("GET", path, "viewer"), 404, "definition-not-found")


def test_an_instance_path_is_highlighted_on_its_diagram(env: Env) -> None:
    instance = _start(env, amount=50)
    assert instance["status"] == "succeeded"
    plain = env.call("GET", "/api/definitions/review_flow/diagram?format=dot", "viewer").text
    marked = env.call("GET", f"/api/definitions/review_flow/diagram?format=dot&instance={instance['id']}", "viewer")
    assert marked.status_code == 200
    assert marked.headers["content-type"].startswith("text/vnd.graphviz")
    assert marked.text != plain
    svg = env.call("GET", f"/api/definitions/review_flow/diagram?instance={instance['id']}&download=true", "viewer")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert svg.headers["content-disposition"] == 'attachment; filename="review_flow-v1.svg"'
    assert b"<svg" in svg.content
    other = env.call("GET", f"/api/definitions/payment_flow/diagram?instance={instance['id']}", "viewer")
    assert_problem(other, 404, "instance-not-found")
    foreign = env.call("GET", f"/api/definitions/review_flow/diagram?instance={instance['id']}", "viewer", "globex")
    assert_problem(foreign, 404, "instance-not-found")


# --- instances ----------------------------------------------------------------------------------------


def test_start_runs_and_records_who_started_it(env: Env) -> None:
    instance = _start(env, amount=500)
    assert instance["status"] == "running"
    assert instance["started_by"] == username("analyst")
    assert instance["path"] == ["prepare", "size_gate", "review"]
    assert instance["context"]["offer"] == {"amount": 500}
    assert instance["cost"] == pytest.approx(0.25)
    assert [t["fire"] for t in instance["timers"]] == ["timeout"]
    history = env.call("GET", f"/api/instances/{instance['id']}/history", "viewer").json()
    assert [h["seq"] for h in history["items"]] == list(range(1, history["total"] + 1))
    assert history["items"][0]["event"] == "(start)"
    assert history["items"][0]["actor"] == username("analyst")
    gate = next(h for h in history["items"] if h["from_state"] == "size_gate")
    assert [g["value"] for g in gate["guards"]] == [False, True]


def test_a_page_of_history_is_the_rows_at_its_offset_with_the_total(env: Env) -> None:
    instance = _start(env, amount=500)
    url = f"/api/instances/{instance['id']}/history"
    whole = env.call("GET", url, "viewer").json()
    page = env.call("GET", f"{url}?offset=1&limit=2", "viewer").json()
    assert page["total"] == whole["total"] == 3
    assert page["items"] == whole["items"][1:3]
    assert env.call("GET", f"{url}?offset=3", "viewer").json()["items"] == []


def test_start_is_idempotent_with_a_key(env: Env) -> None:
    body = {"workflow_id": "review_flow", "context": {"amount": 10}, "idempotency_key": "order-42"}
    first = env.call("POST", "/api/instances", "analyst", json=body).json()
    again = env.call("POST", "/api/instances", "analyst", json=body).json()
    assert first["id"] == again["id"]


@pytest.mark.parametrize(
    ("body", "status", "slug"),
    [
        ({"workflow_id": "nope", "context": {}}, 404, "definition-not-found"),
        ({"workflow_id": "review_flow", "context": {}}, 422, "invalid-input"),
        ({"workflow_id": "review_flow", "context": {"amount": "lots"}}, 422, "invalid-input"),
        ({"workflow_id": "review_flow", "version": 7, "context": {"amount": 1}}, 404, "definition-not-found"),
        ({"workflow_id": "bad id!", "context": {}}, 400, "bad-request"),
        ({"workflow_id": "review_flow", "context": []}, 400, "bad-request"),
    ],
)
def test_bad_starts_are_problems(env: Env, body: dict[str, Any], status: int, slug: str) -> None:
    assert_problem(env.call("POST", "/api/instances", "analyst", json=body), status, slug)


def test_listing_filters_and_pages(env: Env) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    ids = [_start(env, amount=10 + i)["id"] for i in range(3)]
    everything = env.call("GET", "/api/instances?workflow=review_flow&limit=500", "viewer").json()
    assert set(ids) <= {i["id"] for i in everything["items"]}
    assert everything["total"] == len(everything["items"])
    recent = env.call("GET", "/api/instances", "viewer", params={"since": before.isoformat(), "limit": 2}).json()
    assert recent["total"] >= 3
    assert len(recent["items"]) == 2
    assert [i["id"] for i in recent["items"]] == ids[::-1][:2]  # newest first
    succeeded = env.call("GET", "/api/instances?status=succeeded&version=1&workflow=review_flow", "viewer").json()
    assert all(i["status"] == "succeeded" for i in succeeded["items"])
    assert set(ids) <= {
        i["id"] for i in env.call("GET", "/api/instances?state=approved&limit=500", "viewer").json()["items"]
    }
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert env.call("GET", "/api/instances", "viewer", params={"since": future}).json()["total"] == 0
    assert env.call("GET", "/api/instances?tenant=globex", "viewer").json() == {
        "items": [],
        "total": 0,
        "limit": 50,
        "offset": 0,
    }
    assert_problem(env.call("GET", "/api/instances?status=sleeping", "viewer"), 400, "bad-request")
    assert_problem(env.call("GET", "/api/instances?since=yesterday", "viewer"), 400, "bad-request")
    assert_problem(env.call("GET", "/api/instances?since=true&tenant=globex", "viewer"), 400, "bad-request")



_HOLD = {"id": "hold_flow", "title": "Hold", "initial": "hold", "states": {"hold": {"type": "wait", "duration": "P1D"},
                                                         "end": {"type": "final"}},
         "transitions": [{"source": "hold", "trigger": "done", "dest": "end"}]}
_CALLER = {"id": "caller_flow", "title": "Caller", "initial": "call",
           "states": {"call": {"type": "subflow", "workflow": "hold_flow"}, "end": {"type": "final"}},
           "transitions": [{"source": "call", "trigger": "done", "dest": "end"}]}
_MAPPER = {"id": "mapper_flow", "title": "Mapper", "initial": "each",
           "states": {"each": {"type": "map", "items": "holds", "workflow": "hold_flow"}, "end": {"type": "final"}},
           "transitions": [{"source": "each", "trigger": "done", "dest": "end"}]}


def test_listing_by_parent_gives_its_subflows_only_in_my_tenant(env: Env) -> None:
    for flow in (_HOLD, _CALLER, _MAPPER):
        env.services.engine.deploy(flow)
    callers = [env.call("POST", "/api/instances", "analyst", json={"workflow_id": "caller_flow", "context": {}})
               .json()["id"] for _ in range(2)]
    children = env.call("GET", "/api/instances", "viewer", params={"parent_id": callers[0]}).json()
    assert children["total"] == 1
    (child,) = children["items"]
    assert (child["workflow_id"], child["parent_id"]) == ("hold_flow", callers[0])
    assert env.call("GET", "/api/instances", "viewer", params={"parent_id": callers[0], "status": "succeeded"}
                    ).json()["total"] == 0  # with the other filters
    elsewhere = env.call("GET", "/api/instances", "viewer", tenant="globex", params={"parent_id": callers[0]})
    assert elsewhere.json()["total"] == 0
    mapper = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "mapper_flow",
                                                                  "context": {"holds": [1, 2]}}).json()
    assert mapper["state"] == "each"
    assert len(env.services.engine.list_instances(parent_id=mapper["id"])) == 2  # its items: the engine's own,
    assert env.call("GET", "/api/instances", "viewer", params={"parent_id": mapper["id"]}).json()["total"] == 0
    assert_problem(env.call("GET", "/api/instances", "viewer", params={"parent_id": "x" * 65}), 400, "bad-request")


@pytest.mark.parametrize("query", [{"parent": "x"}, {"workflow_id": "review_flow"}, {"state_id": "review"},
                                   {"status": "running", "sort": "created_at"}])
def test_a_query_parameter_the_listing_does_not_take_is_refused_naming_it(env: Env, query: dict[str, str]) -> None:
    """Ignored, a misspelt filter would answer with every instance, as if nothing were asked."""
    problem = assert_problem(env.call("GET", "/api/instances", "viewer", params=query), 400, "bad-request")
    unknown = ", ".join(sorted(set(query) - {"status"}))
    assert problem["detail"].startswith(
        f"unknown query parameter(s): {unknown}; this endpoint takes before, limit, offset, ")


@pytest.mark.parametrize("path", ["/api/instances", "/api/metrics", "/api/metrics/series"])
def test_times_in_queries_take_any_rfc_3339_spelling_and_a_naive_one_is_a_400_naming_it(env: Env, path: str) -> None:
    for since in ("2030-01-01t09:00:00z", "2030-01-01T11:00:00.25+02:00", "2030-01-01T09:00:00.123456789Z"):
        assert env.call("GET", path, "viewer", params={"since": since, "until": "2030-01-02T09:00:00Z"}).is_success
    body = assert_problem(env.call("GET", path, "viewer", params={"until": "2030-01-01T09:00:00"}), 400,
                          "bad-request")
    message = "'2030-01-01T09:00:00' has no UTC offset: end it with Z (UTC) or an offset such as +02:00"
    assert body["errors"] == [{"message": message, "key": "until", "source": "query"}]
    assert body["detail"] == f"Validation failed: query until: {message}"

def test_send_refuses_events_the_state_does_not_take(env: Env) -> None:
    instance = _start(env, amount=500)
    refused = env.call("POST", f"/api/instances/{instance['id']}/events", "analyst", json={"event": "ship"})
    assert_problem(refused, 409, "transition-not-allowed")
    by_hand = env.call("POST", f"/api/instances/{instance['id']}/events", "analyst", json={"event": "approve"})
    assert_problem(by_hand, 409, "transition-not-allowed")
    after = env.call("GET", f"/api/instances/{instance['id']}", "viewer").json()
    assert after["state"] == "review"


REFUNDABLE = {**PAYMENT_FLOW, "id": "refundable_payment",
              "states": {**PAYMENT_FLOW["states"], "refunded": {"type": "final", "outcome": "failure"}},
              "transitions": [*PAYMENT_FLOW["transitions"],
                              {"source": "await_payment", "trigger": "refund", "dest": "refunded"}]}


def test_send_moves_a_waiting_instance_and_records_the_actor(env: Env) -> None:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": REFUNDABLE}).json()
    assert env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher").status_code == 201
    started = env.call(
        "POST", "/api/instances", "analyst", json={"workflow_id": "refundable_payment", "context": {"order": "B7"}},
    ).json()
    moved = env.call("POST", f"/api/instances/{started['id']}/events", "publisher", json={"event": "refund"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["state"] == "refunded"
    assert moved.json()["status"] == "failed"
    history = env.call("GET", f"/api/instances/{started['id']}/history", "viewer").json()["items"]
    assert history[-1]["event"] == "refund"
    assert history[-1]["actor"] == username("publisher")


def test_cancel(env: Env) -> None:
    instance = _start(env, amount=500)
    cancelled = env.call("POST", f"/api/instances/{instance['id']}/cancel", "admin")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["pending_approvals"] == []
    assert_problem(env.call("POST", f"/api/instances/{instance['id']}/cancel", "admin"), 409, "transition-not-allowed")
    history = env.call("GET", f"/api/instances/{instance['id']}/history", "viewer").json()["items"]
    assert history[-1]["event"] == "(cancel)"
    assert history[-1]["actor"] == username("admin")


def test_events_wake_waiting_instances_of_the_tenant_only(env: Env) -> None:
    body = {"workflow_id": "payment_flow", "version": 1, "context": {"order": "A1"}}
    mine = env.call("POST", "/api/instances", "analyst", json=body).json()
    theirs = env.call("POST", "/api/instances", "analyst", tenant="globex", json=body).json()
    event = {"type": "payment_received", "payload": {"paid": 12}, "correlation_key": "A1", "idempotency_key": "p1"}
    published = env.call("POST", "/api/events", "analyst", json=event)
    assert published.status_code == 202, published.text
    assert published.json()["delivered"] == [mine["id"]]
    assert published.json()["duplicate"] is False
    again = env.call("POST", "/api/events", "analyst", json=event).json()
    assert again["duplicate"] is True
    done = env.call("GET", f"/api/instances/{mine['id']}", "viewer").json()
    assert done["state"] == "paid"
    assert done["context"]["payment"] == {"paid": 12}
    history = env.call("GET", f"/api/instances/{mine['id']}/history", "viewer").json()["items"]
    assert (history[-1]["event"], history[-1]["actor"]) == ("done", username("analyst"))
    waiting = env.call("GET", f"/api/instances/{theirs['id']}", "viewer", tenant="globex").json()
    assert waiting["state"] == "await_payment"
    assert published.json()["unmatched"] is False
    stray = env.call("POST", "/api/events", "analyst", json={"type": "payment_received", "payload": {}})
    assert (stray.status_code, stray.json()["unmatched"]) == (202, True)  # stored, but it changed nothing


def test_an_event_type_with_dots_is_published_as_definitions_name_it(env: Env) -> None:
    """A wait or start trigger may name `order.paid` (dotted identifiers); the API refused every dotted type to
    keep the engine's own `statewright.` ones out, so such a flow could not be driven over HTTP at all."""
    flow = {"id": "paid_orders", "title": "Paid orders", "initial": "filed",
            "states": {"filed": {"type": "final"}}, "transitions": [], "starts_on": [{"event": "order.paid"}]}
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": flow}).json()
    assert env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher").status_code == 201
    published = env.call("POST", "/api/events", "analyst", json={"type": "order.paid", "payload": {"id": 7}})
    assert published.status_code == 202, published.text
    (started,) = published.json()["started"]
    assert env.call("GET", f"/api/instances/{started}", "viewer").json()["workflow_id"] == "paid_orders"
    reserved = env.call("POST", "/api/events", "analyst", json={"type": "statewright.instance.finished"})
    assert "reserved for the engine's own lifecycle events" in assert_problem(reserved, 422, "invalid-input")["detail"]
    assert_problem(env.call("POST", "/api/events", "analyst", json={"type": "order..paid"}), 400)


# --- tenants ------------------------------------------------------------------------------------------


def test_another_tenant_sees_nothing_of_mine(env: Env) -> None:
    instance = _start(env, amount=500)
    approval = _pending_approval(env, instance)
    for method, path, body in [
        ("GET", f"/api/instances/{instance['id']}", None),
        ("GET", f"/api/instances/{instance['id']}/history", None),
        ("POST", f"/api/instances/{instance['id']}/events", {"event": "ship"}),
        ("POST", f"/api/instances/{instance['id']}/cancel", None),
    ]:
        response = env.call(method, path, "admin", tenant="globex", **({"json": body} if body else {}))
        assert_problem(response, 404, "instance-not-found")
    assert_problem(env.call("GET", f"/api/approvals/{approval['id']}", "admin", tenant="globex"), 404)
    decided = env.call(
        "POST", f"/api/approvals/{approval['id']}/decision", "admin", tenant="globex", json={"decision": "approve"}
    )
    assert_problem(decided, 404)
    listed = env.call("GET", "/api/instances?limit=500", "admin", tenant="globex").json()
    assert instance["id"] not in {i["id"] for i in listed["items"]}
    inbox = env.call("GET", "/api/approvals?status=all&limit=500", "admin", tenant="globex").json()
    assert approval["id"] not in {a["id"] for a in inbox["items"]}
    assert env.call("GET", f"/api/instances/{instance['id']}", "viewer").status_code == 200


# --- approvals ----------------------------------------------------------------------------------------


def test_an_approver_decides_from_the_inbox_with_a_comment(env: Env) -> None:
    instance = _start(env, amount=900)
    approval = _pending_approval(env, instance)
    inbox = env.call("GET", "/api/approvals?limit=500", "approver").json()
    assert {a["id"]: a["request"] for a in inbox["items"]}[approval["id"]] == {"amount": 900}
    card = next(a for a in inbox["items"] if a["id"] == approval["id"])
    # What a card shows: the titles from the version the instance runs (this state has none), no decision yet.
    assert (card["workflow_title"], card["state_title"], card["decisions"]) == ("Offer review", None, [])
    detail = env.call("GET", f"/api/approvals/{approval['id']}", "approver").json()
    assert detail["request"] == {"amount": 900}
    assert detail["context"]["amount"] == 900
    assert detail["description"] == "Check the offer before it goes out."
    assert detail["instance"]["id"] == instance["id"]
    decided = env.call(
        "POST",
        f"/api/approvals/{approval['id']}/decision",
        "approver",
        json={"decision": "approve", "comment": "fine by me"},
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved"
    assert decided.json()["decisions"][0]["actor"] == username("approver")
    after = env.call("GET", f"/api/instances/{instance['id']}", "viewer").json()
    assert after["status"] == "succeeded"
    last = env.call("GET", f"/api/instances/{instance['id']}/history", "viewer").json()["items"][-1]
    assert last["event"] == "approve"
    assert last["actor"] == username("approver")
    assert last["payload"]["comment"] == "fine by me"
    mine = env.call("GET", "/api/approvals/decisions", "approver").json()
    assert mine["items"][0]["approval_id"] == approval["id"]
    assert mine["items"][0]["comment"] == "fine by me"
    assert approval["id"] not in {a["id"] for a in env.call("GET", "/api/approvals", "approver").json()["items"]}
    decided_list = env.call("GET", "/api/approvals?status=decided&limit=500", "approver").json()
    decided_card = next(a for a in decided_list["items"] if a["id"] == approval["id"])
    assert [(d["actor"], d["decision"], d["comment"]) for d in decided_card["decisions"]] == [
        (username("approver"), "approve", "fine by me")
    ]


def test_a_decision_is_idempotent_and_cannot_be_changed(env: Env) -> None:
    instance = _start(env, amount=700)
    approval = _pending_approval(env, instance)
    path = f"/api/approvals/{approval['id']}/decision"
    first = env.call("POST", path, "approver", json={"decision": "reject", "comment": "too much"})
    assert first.status_code == 200
    rows = env.call("GET", f"/api/instances/{instance['id']}/history", "viewer").json()["total"]
    again = env.call("POST", path, "approver", json={"decision": "reject", "comment": "too much"})
    assert again.status_code == 200
    assert again.json()["status"] == "rejected"
    assert env.call("GET", f"/api/instances/{instance['id']}/history", "viewer").json()["total"] == rows
    assert_problem(env.call("POST", path, "approver", json={"decision": "approve"}), 409, "version-conflict")
    # Someone else pressing Approve on it later (a tab opened before the decision) is told it was decided, by whom
    # and how, not that an event is not allowed in a state.
    closed = assert_problem(env.call("POST", path, "admin", json={"decision": "approve"}), 409, "approval-closed")
    assert closed["detail"] == (
        f"This request was decided already: rejected by {username('approver')}. Your decision was not recorded."
    )
    assert closed["title"] == "Approval closed"  # the slug in words: it may have timed out or been cancelled
    state = env.call("GET", f"/api/instances/{instance['id']}", "viewer").json()
    assert (state["state"], state["status"]) == ("refused", "failed")


def test_an_approver_of_another_role_neither_sees_nor_decides(env: Env) -> None:
    env.services.accounts.add_user(
        "finance-only", PASSWORD, roles=["approver"], tenant="acme", approver_roles=["finance"]
    )
    outcome = env.services.accounts.login("finance-only", PASSWORD)
    bearer = {"Authorization": f"Bearer {env.services.accounts.create_token(outcome.principal, 't').token}"}
    instance = _start(env, amount=800)
    approval = _pending_approval(env, instance)
    env.client.cookies.clear()
    inbox = env.client.get("/api/approvals?status=all&limit=500", headers=bearer).json()
    assert approval["id"] not in {a["id"] for a in inbox["items"]}
    assert_problem(env.client.get(f"/api/approvals/{approval['id']}", headers=bearer), 404)
    decided = env.client.post(f"/api/approvals/{approval['id']}/decision", headers=bearer, json={"decision": "approve"})
    assert_problem(decided, 403, "forbidden")
    still = env.call("GET", f"/api/instances/{instance['id']}", "viewer").json()
    assert still["state"] == "review"


def test_an_admin_sees_the_whole_tenant_inbox_and_may_decide(env: Env) -> None:
    instance = _start(env, amount=650)
    approval = _pending_approval(env, instance)
    inbox = env.call("GET", "/api/approvals?limit=500", "admin").json()
    assert approval["id"] in {a["id"] for a in inbox["items"]}
    decided = env.call("POST", f"/api/approvals/{approval['id']}/decision", "admin", json={"decision": "approve"})
    assert decided.status_code == 200, decided.text
    everyone = env.call("GET", "/api/approvals/decisions?mine=false&limit=500", "admin").json()
    assert username("admin") in {d["actor"] for d in everyone["items"]}


def test_unknown_approvals_are_404(env: Env) -> None:
    assert_problem(env.call("GET", "/api/approvals/999999", "approver"), 404)
    assert_problem(env.call("POST", "/api/approvals/999999/decision", "approver", json={"decision": "approve"}), 404)
    assert_problem(env.call("POST", "/api/approvals/1/decision", "approver", json={"decision": "maybe"}), 400)


# --- simulation ---------------------------------------------------------------------------------------


def test_simulation_runs_without_touching_real_instances(env: Env) -> None:
    before = env.call("GET", "/api/instances", "viewer").json()["total"]
    body = {
        "definition": REVIEW_FLOW,
        "context": {"amount": 50},
        "events": [{"event": "approve"}, {"event": "done", "payload": {"amount": 50}}],
    }
    result = env.call("POST", "/api/simulate", "viewer", json=body)
    assert result.status_code == 200, result.text
    simulated = result.json()
    assert simulated["state"] == "approved"
    assert simulated["status"] == "succeeded"
    assert simulated["visited"] == ["prepare", "size_gate", "approved"]
    assert simulated["rejected"][0]["event"] == "approve"
    gate = next(s for s in simulated["steps"] if s["from_state"] == "size_gate")
    assert gate["guards"][0] == {
        "transition": 2,
        "dest": "approved",
        "guard": "offer.amount < 100",
        "value": True,
        "error": None,
    }
    assert simulated["context"]["offer"] == {"amount": 50}
    assert env.call("GET", "/api/instances", "viewer").json()["total"] == before


GATED_AGENT = {
    "id": "sim_gatekeeper", "type": "bdr", "version": "1.0.0", "name": "Gatekeeper",
    "tools": ["crm.contacts.search"], "model": "gpt-4o-mini", "temperature": 0.1, "max_tokens": 300,
    "instructions": "Ask first.", "policies": {"approval_required": True, "approvers": {"roles": ["sales_manager"]}},
}
GATED_FLOW = {
    "id": "sim_gated", "version": 1, "title": "A task its agent must have approved", "initial": "call",
    "states": {"call": {"type": "task", "action": "call_lead", "agent": "sim_gatekeeper", "input": {"lead": "lead"}},
               "won": {"type": "final", "outcome": "success"}, "lost": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "call", "trigger": "done", "dest": "won"},
                    {"source": "call", "trigger": "error", "dest": "lost"}],
}


@pytest.mark.parametrize(("events", "state", "status"), [
    ([], "call", "held"),
    ([{"event": "done"}, {"event": "approve", "payload": {"comment": "go"}}, {"event": "done"}], "won", "succeeded"),
    ([{"event": "reject"}], "lost", "failed"),
])
def test_simulation_holds_a_task_at_its_deployed_agents_approval_gate(
        env: Env, events: list[dict[str, Any]], state: str, status: str) -> None:
    env.services.engine.deploy_agent(GATED_AGENT)
    body = {"definition": GATED_FLOW, "context": {"lead": "ann@example.com"}, "events": events}
    result = env.call("POST", "/api/simulate", "viewer", json=body)
    assert result.status_code == 200, result.text
    simulated = result.json()
    assert (simulated["state"], simulated["status"]) == (state, status)
    held = simulated["steps"][0]
    assert held["status"] == "held"
    gate = next(e for e in held["effects"] if e["type"] == "RequestApproval")
    assert (gate["kind"], gate["request"]["agent"], gate["roles"]) == ("agent", "sim_gatekeeper", ["sales_manager"])
    if events[:1] == [{"event": "done"}]:  # the action cannot finish before the approval: refused, not fatal
        assert [r["event"] for r in simulated["rejected"]] == ["done"]
    if state == "lost":
        assert simulated["steps"][-1]["event"] == "error"
        assert simulated["context"] == {"lead": "ann@example.com"}


def test_simulation_of_a_deployed_version_with_its_example_and_of_a_draft(env: Env) -> None:
    by_example = env.call(
        "POST", "/api/simulate", "viewer", json={"workflow_id": "review_flow", "example": "big_offer_is_reviewed"}
    ).json()
    assert by_example["state"] == "approved"
    assert "review" in by_example["visited"]
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": REVIEW_FLOW}).json()
    from_draft = env.call("POST", "/api/simulate", "viewer", json={"draft_id": draft["id"], "context": {"amount": 1}})
    assert from_draft.json()["state"] == "prepare"
    assert_problem(
        env.call("POST", "/api/simulate", "viewer", json={"workflow_id": "review_flow", "example": "x"}), 404
    )
    assert_problem(
        env.call("POST", "/api/simulate", "viewer", json={"definition": {"id": "x"}}), 422, "invalid-definition"
    )
    assert_problem(env.call("POST", "/api/simulate", "viewer", json={"context": {}}), 400, "bad-request")


def test_simulation_refuses_a_start_context_the_engine_would_refuse(env: Env) -> None:
    """The simulator ran a flow from a context its schema refuses ({"amount": "x"} for an integer), where a real
    start is refused: an analyst simulated a run that could never happen."""
    flow = {"id": "typed_start", "title": "Typed start", "initial": "done",
            "context": {"type": "object", "properties": {"amount": {"type": "integer"}}, "required": ["amount"]},
            "states": {"done": {"type": "final", "outcome": "success"}}, "transitions": []}
    refused = env.call("POST", "/api/simulate", "viewer", json={"definition": flow, "context": {"amount": "x"}})
    problem = assert_problem(refused, 422, "invalid-input")
    assert "/amount" in problem["detail"], problem
    assert "integer" in problem["detail"], problem
    missing = env.call("POST", "/api/simulate", "viewer", json={"definition": flow, "context": {}})
    assert "amount" in assert_problem(missing, 422, "invalid-input")["detail"]
    ran = env.call("POST", "/api/simulate", "viewer", json={"definition": flow, "context": {"amount": 3}})
    assert ran.status_code == 200, ran.text
    assert ran.json()["status"] == "succeeded"



def test_a_context_schema_that_is_no_json_schema_is_the_definitions_error_not_a_500(env: Env) -> None:
    """A typo in the context schema ({"type": "obejct"}) validated clean and published, and then every start of
    the workflow (and every simulation, once it checks the context) failed with a 500."""
    flow = {"id": "mistyped_schema", "title": "Mistyped schema", "initial": "done",
            "context": {"type": "obejct"},
            "states": {"done": {"type": "final", "outcome": "success"}}, "transitions": []}
    simulated = env.call("POST", "/api/simulate", "viewer", json={"definition": flow, "context": {}})
    problem = assert_problem(simulated, 422, "invalid-definition")
    [finding] = problem["findings"]
    assert (finding["code"], finding["pointer"]) == ("invalid-context-schema", "/context/type"), finding
    assert "obejct" in finding["message"]
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": flow}).json()
    published = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher")
    refused = assert_problem(published, 422, "invalid-definition")  # validation finds it before it is deployed
    assert [(f["code"], f["pointer"]) for f in refused["findings"]] == [("invalid-context-schema", "/context/type")]
    started = env.call("POST", "/api/instances", "analyst", json={"workflow_id": "mistyped_schema", "context": {}})
    assert_problem(started, 404, "definition-not-found")


# --- metrics ------------------------------------------------------------------------------------------


def test_metrics_count_what_happened(env: Env) -> None:
    since = datetime.now(UTC).isoformat()
    env.services.accounts.add_user("metrics-analyst", PASSWORD, roles=["analyst"], tenant="initech")
    env.services.accounts.add_user(
        "metrics-approver", PASSWORD, roles=["approver"], tenant="initech", approver_roles=["sales_manager"]
    )
    tokens = {}
    for name in ("metrics-analyst", "metrics-approver"):
        principal = env.services.accounts.login(name, PASSWORD).principal
        tokens[name] = {"Authorization": f"Bearer {env.services.accounts.create_token(principal, 'm').token}"}
    env.client.cookies.clear()

    def start(amount: int, **extra: Any) -> str:
        body = {"workflow_id": "review_flow", "context": {"amount": amount, **extra}}
        return str(env.client.post("/api/instances", json=body, headers=tokens["metrics-analyst"]).json()["id"])

    start(10)  # succeeds at once
    start(20, flaky=True)  # one failed attempt, then success
    start(500)  # waits for an approval
    _settle(env)
    time.sleep(0.05)
    _settle(env)
    inbox = env.client.get("/api/approvals", headers=tokens["metrics-approver"]).json()["items"]
    assert len(inbox) == 1
    env.client.post(
        f"/api/approvals/{inbox[0]['id']}/decision", json={"decision": "reject"}, headers=tokens["metrics-approver"]
    )
    start(600)  # left waiting
    _settle(env)
    report = env.client.get("/api/metrics", params={"since": since}, headers=tokens["metrics-analyst"])
    assert report.status_code == 200, report.text
    overall = report.json()["overall"]
    assert overall["instances_started"] == 4
    assert overall["instances_ended"] == 3
    assert overall["instances_succeeded"] == 2
    assert overall["completion_rate"] == pytest.approx(2 / 3)  # succeeded / ended: the waiting one is not judged
    assert overall["action_attempts"] == 5
    assert overall["task_runs"] == 4
    assert overall["success_rate"] == pytest.approx(1.0)  # the flaky task succeeded on its second attempt
    assert overall["retry_rate"] == pytest.approx(1 / 4)
    assert overall["escalation_rate"] == pytest.approx(2 / 4)
    assert overall["total_cost"] == pytest.approx(1.0)
    assert overall["cost_per_task"] == pytest.approx(0.25)
    assert overall["unpriced_costs"] == 0  # every cost recorded had a price
    assert overall["pending_approvals"] == 1
    assert overall["average_duration_s"] >= 0
    assert [w["workflow_id"] for w in report.json()["workflows"]] == ["review_flow"]
    text = env.client.get("/metrics", headers=tokens["metrics-analyst"])
    assert text.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert 'statewright_instances_started{tenant="initech",workflow="review_flow"} 4' in text.text
    assert 'statewright_retry_ratio{tenant="initech",workflow="_all"} 0.25' in text.text
    assert 'statewright_unpriced_costs{tenant="initech",workflow="_all"} 0' in text.text
    assert 'statewright_completion_ratio{tenant="initech",workflow="review_flow"} 0.666667' in text.text
    assert_problem(
        env.client.get("/api/metrics", params={"since": since, "until": since}, headers=tokens["metrics-analyst"]), 422
    )
    assert_problem(env.client.get("/metrics"), 401)
    series = env.client.get("/api/metrics/series", params={"since": since, "buckets": 4},
                            headers=tokens["metrics-analyst"]).json()
    assert len(series["buckets"]) == 4
    assert sum(b["started"] for b in series["buckets"]) == 4
    assert (sum(b["ended"] for b in series["buckets"]), sum(b["failed"] for b in series["buckets"])) == (3, 1)
    (durations,) = series["durations"]
    assert (durations["workflow_id"], durations["count"]) == ("review_flow", 3)
    assert durations["p50"] <= durations["p90"] <= durations["max"]
    assert series["cost_by_workflow"] == [{"name": "review_flow", "cost": 1.0}]
    assert series["cost_by_agent"] == [{"name": "(no agent)", "cost": 1.0}]
    (waits,) = series["approval_waits"]
    assert (waits["workflow_id"], waits["count"], waits["pending"]) == ("review_flow", 2, 1)
    assert_problem(env.client.get("/api/metrics/series", params={"buckets": 0}, headers=tokens["metrics-analyst"]),
                   400)
