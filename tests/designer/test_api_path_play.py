"""Playing a path in the simulator (POST /api/simulate/path): the events that drive a path of the Paths panel,
checked in the simulator, for editor content, a draft and a published version; a flow that leaves the path is
said in words; a route that is no path of the flow is a 422."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from designer_support import Env, assert_problem

from definitions import WORKFLOWS_DIR
from designer.schemas.simulation import RouteStepBody
from designer.simulation import simulate
from engine.definition import Workflow
from engine.paths.report import StepReport

LEAD = json.loads((Path(WORKFLOWS_DIR) / "lead_qualification.json").read_text(encoding="utf-8"))


def _path(env: Env, definition: dict[str, Any], final: str, through: str) -> list[dict[str, Any]]:
    """The route of the first path the Paths panel lists that goes through `through` to `final`."""
    report = env.call("POST", "/api/paths", "viewer", json={"definition": definition}).json()
    path = next(p for p in report["paths"] if p["final"] == final and through in p["states"])
    return [{"state": step["state"], "transition": step["transition"]} for step in path["steps"]]


def _simulate(env: Env, definition: dict[str, Any], play: dict[str, Any]) -> dict[str, Any]:
    events = [{"event": c["event"], "payload": c["payload"], "actor": c["actor"]} for c in play["cues"]]
    body = {"definition": definition, "context": play["context"], "events": events}
    result: dict[str, Any] = env.call("POST", "/api/simulate", "viewer", json=body).json()
    return result


def test_the_script_of_a_path_walks_the_simulator_along_it(env: Env) -> None:
    route = _path(env, LEAD, "qualified", "request_manual_booking")
    response = env.call("POST", "/api/simulate/path", "viewer", json={"definition": LEAD, "route": route})
    assert response.status_code == 200, response.text
    play = response.json()
    assert (play["playable"], play["followed"], play["final"], play["outcome"]) == (True, True, "qualified", "success")
    assert play["verdict"] == "The flow takes the path to 'qualified' (success) in 7 events."
    assert play["start"] == ["extract"]  # the first task waits for its action's answer
    by_state = {cue["state"]: cue for cue in play["cues"]}
    assert by_state["score"]["payload"]["score"] >= 70  # the guard route → book_meeting needs it
    assert by_state["check_duplicate"]["payload"]["duplicate"] is False
    failure = by_state["book_meeting"]
    assert (failure["event"], failure["payload"]["retryable"]) == ("error", False)  # no retry: straight to manual
    assert failure["expect"][-1] == "request_manual_booking"
    assert play["cues"][-1]["expect"] == play["states"]

    simulated = _simulate(env, LEAD, play)  # the UI replays exactly this
    assert (simulated["state"], simulated["status"], simulated["rejected"]) == ("qualified", "succeeded", [])
    assert simulated["visited"] == play["states"]


def test_a_published_version_and_a_draft_play_the_same_way(env: Env) -> None:
    flow = {**copy.deepcopy(LEAD), "id": "lead_for_play"}
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": flow}).json()
    route = _path(env, flow, "nurtured", "add_to_nurture")
    from_draft = env.call("POST", "/api/simulate/path", "viewer", json={"draft_id": draft["id"], "route": route})
    assert env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher").status_code == 201
    published = env.call("POST", "/api/simulate/path", "viewer",
                         json={"workflow_id": "lead_for_play", "version": 1, "route": route})
    assert from_draft.json()["followed"]
    assert published.json()["followed"]

    def driving(play: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(c["state"], c["event"], c["payload"], c["expect"]) for c in play["cues"]]

    assert driving(from_draft.json()) == driving(published.json())
    score = next(c for c in published.json()["cues"] if c["state"] == "score")
    assert 40 <= score["payload"]["score"] < 70


def test_a_decision_at_an_approval_is_sent_by_its_approver(env: Env) -> None:
    flow = {"id": "approve_flow", "title": "Approve", "initial": "review",
            "states": {"review": {"type": "approval", "approvers": {"users": ["mia"]}, "timeout": "PT2H"},
                       "done": {"type": "final", "outcome": "success"},
                       "late": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "review", "trigger": "approve", "dest": "done",
                             "assign": {"approved_by": "event.actor"}},
                            {"source": "review", "trigger": "reject", "dest": "late"},
                            {"source": "review", "trigger": "timeout", "dest": "late"}]}
    answer = env.call("POST", "/api/simulate/path", "viewer",
                      json={"definition": flow, "route": [{"state": "review", "transition": 0}]})
    assert answer.status_code == 200, answer.text
    approve = answer.json()
    (cue,) = approve["cues"]
    assert (cue["event"], cue["actor"], cue["words"]) == ("approve", "mia", "mia approves at review")
    assert approve["followed"]
    assert _simulate(env, flow, approve)["context"]["approved_by"] == "mia"
    timeout = env.call("POST", "/api/simulate/path", "viewer",
                       json={"definition": flow, "route": [{"state": "review", "transition": 2}]}).json()
    assert [(c["event"], c["words"]) for c in timeout["cues"]] == [("timeout", "review's timeout of PT2H passes")]


def test_a_flow_that_leaves_the_path_is_said_in_words(env: Env) -> None:
    """A policy denies entering book_meeting: the simulator fails the flow where the path goes on."""
    route = _path(env, LEAD, "qualified", "book_meeting")
    denied = {**copy.deepcopy(LEAD), "policies": [
        {"id": "no_meetings", "applies_at": ["book_meeting"], "condition": "true", "outcome": "deny",
         "reason": "meetings are paused", "action_required": "wait"}]}
    denied["states"]["book_meeting"]["policies"] = ["no_meetings"]
    play = env.call("POST", "/api/simulate/path", "viewer", json={"definition": denied, "route": route}).json()
    assert (play["playable"], play["followed"]) == (True, False)
    assert play["verdict"] == ("The flow leaves this path: the flow failed in 'book_meeting' (meetings are paused) "
                               "where the path goes on to 'record_in_crm'.")


def test_a_path_no_data_drives_is_not_playable_and_says_why(env: Env) -> None:
    report = env.call("POST", "/api/paths", "viewer", json={"definition": LEAD}).json()
    # book_meeting sets qualification_decision to 'book', so outcome_gate never goes to nurtured after it
    path = next(p for p in report["paths"] if "book_meeting" in p["states"] and p["final"] == "nurtured")
    route = [{"state": s["state"], "transition": s["transition"]} for s in path["steps"]]
    play = env.call("POST", "/api/simulate/path", "viewer", json={"definition": LEAD, "route": route}).json()
    assert (play["playable"], play["followed"], play["cues"]) == (False, False, [])
    # the step no data takes, and why: book_meeting's assignment decided the guard before it
    step = path["states"].index("outcome_gate") + 1
    assert play["verdict"] == (
        f"This path cannot be played: no start context and answers make the flow take step {step} of this path, "
        "from 'outcome_gate' to 'nurtured' automatically: its guard `qualification_decision == 'nurture'` "
        f"cannot hold there after the {step - 1} steps before it, whatever the start context.")


def test_a_path_through_a_maps_failure_says_the_map_cannot_be_failed(env: Env) -> None:
    """The QA pass's case: a map with no timed wait inside, left on 'error'. Said as that, not as a list of
    possibilities (a guard, a map, a parallel's failure) for the user to guess from."""
    flow = {"id": "lines_flow", "title": "Lines", "initial": "pay_lines",
            "context": {"type": "object", "properties": {"lines": {"type": "array"}}},
            "states": {"pay_lines": {"type": "map", "items": "context.lines", "iterator": {
                           "initial": "pay", "states": {"pay": {"type": "task", "action": "extract_lead",
                                                                "input": {"email": "item.email"}},
                                                        "paid": {"type": "final"}},
                           "transitions": [{"source": "pay", "trigger": "done", "dest": "paid"},
                                           {"source": "pay", "trigger": "error", "dest": "paid"}]}},
                       "done": {"type": "final"}, "failed": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "pay_lines", "trigger": "done", "dest": "done"},
                            {"source": "pay_lines", "trigger": "error", "dest": "failed"}]}
    checked = env.call("POST", "/api/validate", "viewer", json={"definition": flow}).json()
    assert checked["valid"], checked
    play = env.call("POST", "/api/simulate/path", "viewer",
                    json={"definition": flow, "route": [{"state": "pay_lines", "transition": 1}]}).json()
    assert (play["playable"], play["followed"]) == (False, False)
    assert play["verdict"] == (
        "This path cannot be played: no start context and answers make the flow take step 1 of this path, from "
        "'pay_lines' to 'failed' on 'error': the simulator fails a map state only by a wait inside it timing out, "
        "and no wait inside 'pay_lines' has a timeout it would reach.")


def test_the_paths_reports_steps_are_taken_as_it_lists_them(env: Env) -> None:
    """docs/api.md: the route is the path "as the Paths report's `steps` list it" — with the report's own fields
    (trigger, dest, the figures), which are taken and not used; a field the report does not list is refused."""
    report = env.call("POST", "/api/paths", "viewer", json={"definition": LEAD}).json()
    path = next(p for p in report["paths"] if p["final"] == "qualified" and "request_manual_booking" in p["states"])
    assert {"best_s", "dest", "trigger"} <= set(path["steps"][0])
    as_listed = env.call("POST", "/api/simulate/path", "viewer", json={"definition": LEAD, "route": path["steps"]})
    assert as_listed.status_code == 200, as_listed.text
    bare = [{"state": s["state"], "transition": s["transition"]} for s in path["steps"]]
    assert as_listed.json() == env.call("POST", "/api/simulate/path", "viewer",
                                        json={"definition": LEAD, "route": bare}).json()
    assert as_listed.json()["followed"] is True
    odd = [{**path["steps"][0], "bogus": 1}, *path["steps"][1:]]
    refused = env.call("POST", "/api/simulate/path", "viewer", json={"definition": LEAD, "route": odd})
    assert assert_problem(refused, 400, "bad-request")["errors"][0]["key"] == "route.0.bogus"


def test_the_route_step_takes_every_field_of_a_report_step() -> None:
    assert set(RouteStepBody.model_fields) == set(StepReport.model_fields)


@pytest.mark.parametrize(("route", "says"), [
    ([{"state": "score", "transition": 6}], "route step 1 leaves 'score', but the path is in 'extract' there"),
    ([{"state": "extract", "transition": 6}], "route step 1: transition 6 does not leave 'extract'"),
    ([{"state": "extract", "transition": 0}], "the route ends in 'check_duplicate', which is not a final state"),
])
def test_a_route_that_is_no_path_of_the_flow_is_a_422(env: Env, route: list[dict[str, Any]], says: str) -> None:
    response = env.call("POST", "/api/simulate/path", "viewer", json={"definition": LEAD, "route": route})
    assert_problem(response, 422)
    assert says in response.json()["detail"]


def test_malformed_requests_are_refused(env: Env) -> None:
    step = {"state": "extract", "transition": 1}
    for body in ({"definition": LEAD, "route": []}, {"definition": LEAD},
                 {"definition": LEAD, "workflow_id": "x", "route": [step]},
                 {"definition": LEAD, "route": [{**step, "extra": 1}]},
                 {"definition": LEAD, "route": [{"state": "extract", "transition": -1}]}):
        assert_problem(env.call("POST", "/api/simulate/path", "viewer", json=body), 400)
    assert_problem(env.call("POST", "/api/simulate/path", "viewer",
                            json={"workflow_id": "nope", "route": [step]}), 404)


def test_the_simulator_names_the_instance_s_workflow_as_the_engine_does() -> None:
    """customer_escalation's tasks read `instance.workflow`: the simulator must give it, or every path fails."""
    flow = Workflow.model_validate({
        "id": "who_am_i", "title": "Who am I", "initial": "work",
        "states": {"work": {"type": "task", "action": "a", "input": {"flow": "instance.workflow"}},
                   "end": {"type": "final", "outcome": "success"}, "bad": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "work", "trigger": "done", "dest": "end"},
                        {"source": "work", "trigger": "error", "dest": "bad"}]})
    (run,) = simulate(flow, {}, []).steps[0].effects
    assert (run["type"], run["input"]) == ("RunAction", {"flow": "who_am_i"})


def test_the_openapi_document_states_the_bodies_exactly(env: Env) -> None:
    document = env.client.get("/schema/openapi.json").json()
    operation = document["paths"]["/api/simulate/path"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PathPlayRequest"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PathPlay"}
    schemas = document["components"]["schemas"]
    request = schemas["PathPlayRequest"]
    assert request["additionalProperties"] is False
    assert [rule["required"] for rule in request["oneOf"]] == [["definition"], ["draft_id"], ["workflow_id"]]
    assert request["then"]["required"] == ["workflow_id"]  # a version goes with a workflow_id
    route = request["properties"]["route"]
    assert (route["minItems"], route["maxItems"]) == (1, 200)
    step = schemas["RouteStepBody"]
    assert step["additionalProperties"] is False
    assert step["properties"]["transition"]["minimum"] == 0
    assert set(schemas["PathPlay"]["required"]) >= {"states", "final", "context", "cues", "followed", "verdict"}
    cue = schemas["Cue"]["properties"]
    assert {"event", "payload", "actor", "state", "transition", "expect", "words"} <= set(cue)


def test_a_policy_gate_on_the_path_is_opened_by_an_approve_cue(env: Env) -> None:
    """The planner does not model policy gates: the server adds the approval the held flow waits for."""
    gated = {**copy.deepcopy(LEAD), "policies": [
        {"id": "meetings_need_a_manager", "applies_at": ["book_meeting"], "condition": "true",
         "outcome": "require_approval", "reason": "meetings are expensive",
         "approvers": {"roles": ["sales_manager"]}}]}
    gated["states"]["book_meeting"]["policies"] = ["meetings_need_a_manager"]
    route = _path(env, gated, "qualified", "book_meeting")
    play = env.call("POST", "/api/simulate/path", "viewer", json={"definition": gated, "route": route}).json()
    assert play["followed"], play["verdict"]
    (gate,) = [c for c in play["cues"] if c["transition"] is None]
    assert (gate["event"], gate["state"], gate["words"]) == (
        "approve", "book_meeting", "an approver opens a policy's gate at book_meeting")
    after = play["cues"][play["cues"].index(gate) + 1]
    assert (after["state"], after["event"]) == ("book_meeting", "done")  # then the meeting is booked
    assert _simulate(env, gated, play)["visited"] == play["states"]


def test_a_policy_gate_then_an_agents_gate_at_one_state_are_both_opened(env: Env) -> None:
    env.services.engine.deploy_agent({
        "id": "play_gatekeeper", "type": "bdr", "version": "1.0.0", "name": "Gatekeeper",
        "tools": ["crm.contacts.search"], "model": "gpt-4o-mini", "temperature": 0.1, "max_tokens": 300,
        "instructions": "Ask first.",
        "policies": {"approval_required": True, "approvers": {"roles": ["sales_manager"]}}})
    flow = {"id": "play_gated", "title": "Twice gated", "initial": "call",
            "policies": [{"id": "calls_need_a_manager", "applies_at": ["call"], "condition": "true",
                          "outcome": "require_approval", "reason": "calls cost",
                          "approvers": {"roles": ["sales_manager"]}}],
            "states": {"call": {"type": "task", "action": "call_lead", "agent": "play_gatekeeper",
                                "policies": ["calls_need_a_manager"]},
                       "won": {"type": "final", "outcome": "success"},
                       "lost": {"type": "final", "outcome": "failure"}},
            "transitions": [{"source": "call", "trigger": "done", "dest": "won"},
                            {"source": "call", "trigger": "error", "dest": "lost"}]}
    play = env.call("POST", "/api/simulate/path", "viewer",
                    json={"definition": flow, "route": [{"state": "call", "transition": 0}]}).json()
    assert play["followed"], play["verdict"]
    assert [(c["event"], c["words"]) for c in play["cues"]] == [
        ("approve", "an approver opens a policy's gate at call"),
        ("approve", "an approver opens an agent's gate at call"),
        ("done", "the action of call answers {}")]
