"""The migration API (docs/api.md#migration): a failed instance of version N is listed, moved as it is and then
redriven under version M; the draft's preview maps the states the draft renamed, as the publish dialog does, and
says which; mapping into a final state takes `allow_final`; a malformed `map` is said in words."""

from __future__ import annotations

import copy
from typing import Any

from designer_support import Env


def _publish(env: Env, flow: dict[str, Any]) -> None:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": flow}).json()
    published = env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher", json={"confirm_replace": True})
    assert published.status_code == 201, published.text


def _start(env: Env, workflow_id: str, context: dict[str, Any]) -> dict[str, Any]:
    made = env.call("POST", "/api/instances", "analyst", json={"workflow_id": workflow_id, "context": context})
    assert made.status_code == 201, made.text
    return dict(made.json())


ROUTE: dict[str, Any] = {
    "id": "route_flow", "title": "Route", "initial": "route",
    "states": {"route": {"type": "choice"}, "done": {"type": "final", "result": {"refund_id": "refund.id"}}},
    "transitions": [{"source": "route", "dest": "done"}],
}


def test_a_failed_instance_is_migrated_and_its_redrive_resumes_it_under_the_new_version(env: Env) -> None:
    _publish(env, ROUTE)
    failed = _start(env, "route_flow", {"refund": {"refund_id": "R-1"}})  # its result reads refund.id: failed
    assert (failed["state"], failed["status"]) == ("done", "failed")
    fixed = copy.deepcopy(ROUTE)
    fixed["states"]["done"]["result"] = {"refund_id": "refund.refund_id"}  # the fix
    _publish(env, fixed)

    preview = env.call("GET", "/api/definitions/route_flow/migration?from=1&to=2", "viewer").json()
    assert (preview["instances"], preview["failed_or_stuck"], preview["would_migrate"]) == (1, 1, 1)
    assert [(g["state"], g["entry"], g["instances"]) for g in preview["groups"]] == [("done", "awaits_redrive", 1)]

    body = {"from_version": 1, "to_version": 2}
    applied = env.call("POST", "/api/definitions/route_flow/migration", "publisher", json=body).json()
    assert applied["migrated"] == 1
    moved = env.call("GET", f"/api/instances/{failed['id']}", "viewer").json()
    assert (moved["status"], moved["version"]) == ("failed", 2)
    history = env.call("GET", f"/api/instances/{failed['id']}/history", "viewer").json()["items"]
    assert (history[-1]["event"], history[-1]["status"]) == ("(migrate)", "failed")
    redriven = env.call("POST", f"/api/instances/{failed['id']}/redrive", "publisher")
    assert redriven.status_code == 200, redriven.text
    assert (redriven.json()["status"], redriven.json()["result"]) == ("succeeded", {"refund_id": "R-1"})


DOOR: dict[str, Any] = {
    "id": "porch_flow", "title": "Porch", "initial": "knock",
    "states": {"knock": {"type": "wait", "duration": "P1D"},
               "review": {"type": "approval", "approvers": {"roles": ["sales_manager"]}},
               "open": {"type": "final"}, "shut": {"type": "final", "outcome": "failure"}},
    "transitions": [{"source": "knock", "trigger": "done", "dest": "review"},
                    {"source": "review", "trigger": "approve", "dest": "open"},
                    {"source": "review", "trigger": "reject", "dest": "shut"}],
}


def test_the_draft_preview_maps_the_states_the_draft_renamed_and_says_which(env: Env) -> None:
    _publish(env, DOOR)
    waiting = _start(env, "porch_flow", {})
    renamed = copy.deepcopy(DOOR)
    renamed["states"]["ring_bell"] = renamed["states"].pop("knock")
    renamed["initial"] = "ring_bell"
    renamed["transitions"][0]["source"] = "ring_bell"
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": renamed}).json()

    shown = env.call("GET", f"/api/drafts/{draft['id']}/migration", "viewer").json()
    assert (shown["renames"], shown["mapping"]) == ({"knock": "ring_bell"}, {"knock": "ring_bell"})
    assert (shown["would_migrate"], shown["refused"]) == (1, 0)  # as the publish dialog said
    [plan] = shown["plans"]
    assert (plan["instance_id"], plan["state_change"], plan["target_state"]) == (waiting["id"], "mapped",
                                                                                  "ring_bell")
    alone = env.call("GET", f"/api/drafts/{draft['id']}/migration?renames=false", "viewer").json()
    assert (alone["renames"], alone["refused"]) == ({}, 1)
    overridden = env.call("GET", f"/api/drafts/{draft['id']}/migration?map=knock:review", "viewer").json()
    assert (overridden["renames"], overridden["mapping"]) == ({}, {"knock": "review"})  # `map` wins


def test_mapping_into_a_final_state_takes_allow_final(env: Env) -> None:
    flow = {**copy.deepcopy(DOOR), "id": "gate_final_flow"}
    _publish(env, flow)
    waiting = _start(env, "gate_final_flow", {})
    _publish(env, {**flow, "title": "Gate"})
    refused = env.call("GET", "/api/definitions/gate_final_flow/migration?from=1&to=2&map=knock:open", "viewer")
    [plan] = refused.json()["plans"]
    assert plan["refused"].startswith("'open' is a final state of version 2: the migration would end the instance")
    assert "allow_final in the API" in plan["refused"]

    body: dict[str, Any] = {"from_version": 1, "to_version": 2, "mapping": {"knock": "open"}}
    assert env.call("POST", "/api/definitions/gate_final_flow/migration", "publisher",
                    json=body).json()["migrated"] == 0
    assert env.call("GET", f"/api/instances/{waiting['id']}", "viewer").json()["status"] == "running"
    allowed = env.call("POST", "/api/definitions/gate_final_flow/migration", "publisher",
                       json={**body, "allow_final": True}).json()
    assert (allowed["migrated"], allowed["allow_final"]) == (1, True)
    assert env.call("GET", f"/api/instances/{waiting['id']}", "viewer").json()["status"] == "succeeded"


def test_a_malformed_map_is_said_in_words(env: Env) -> None:
    answer = env.call("GET", "/api/definitions/porch_flow/migration?from=1&to=2&map=review", "viewer")
    assert answer.status_code == 400
    detail = answer.json()["detail"]
    assert detail.endswith("query map: the value is not a state mapping: give old_state:new_state, "
                           "comma-separated (map=knock:ring_bell,parked:waiting), each state an id made of letters, "
                           "digits, '_' and '-', starting with a letter or '_'")
    assert "regex" not in detail
    assert "[A-Za-z" not in detail
