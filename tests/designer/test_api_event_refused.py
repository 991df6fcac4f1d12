"""POST /api/events: a payload that does not fit where a waiting instance stores it is refused by that instance
(it goes on waiting) and the answer says which and why."""

from __future__ import annotations

from designer_support import Env

SIGNING = {
    "id": "signing", "title": "Signing", "initial": "sign",
    "context": {"type": "object", "properties": {
        "contract": {"type": "string"},
        "signature": {"type": "object", "required": ["by"], "properties": {"by": {"type": "string"}}}}},
    "states": {"sign": {"type": "wait", "event": {"type": "signed", "correlation": "contract"}, "output": "signature"},
               "done": {"type": "final", "outcome": "success"}},
    "transitions": [{"source": "sign", "trigger": "done", "dest": "done"}],
}


def test_the_answer_names_the_instance_that_refused_the_payload(env: Env) -> None:
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": SIGNING}).json()
    assert env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher").status_code == 201
    waiting = env.call("POST", "/api/instances", "analyst",
                       json={"workflow_id": "signing", "context": {"contract": "C-9"}}).json()
    bad = env.call("POST", "/api/events", "analyst",
                   json={"type": "signed", "payload": {"by": 7}, "correlation_key": "C-9"})
    assert bad.status_code == 202, bad.text
    answer = bad.json()
    assert (answer["delivered"], answer["unmatched"]) == ([], False)
    assert '/by: 7 is not of type "string"' in answer["refused"][waiting["id"]]
    assert env.call("GET", f"/api/instances/{waiting['id']}", "viewer").json()["state"] == "sign"
    good = env.call("POST", "/api/events", "analyst",
                    json={"type": "signed", "payload": {"by": "ann"}, "correlation_key": "C-9"}).json()
    assert (good["delivered"], good["refused"]) == ([waiting["id"]], {})
