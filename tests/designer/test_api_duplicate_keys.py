"""A JSON body naming one key twice in an object is a 400 that says where, on every endpoint that reads JSON —
not a draft that silently lost the first of two states of one name, nor an instance started with whichever
`amount` came last."""

from __future__ import annotations

import json

from designer_support import MINIMAL_WORKFLOW, Env, assert_problem
from test_api_input_limits import json_bodies

_JSON = {"Content-Type": "application/json"}


def test_a_draft_with_a_state_given_twice_is_refused_and_none_is_stored(env: Env) -> None:
    states = json.dumps(MINIMAL_WORKFLOW["states"])[1:-1]
    text = json.dumps({**MINIMAL_WORKFLOW, "states": "STATES"}).replace('"STATES"', "{" + states + ", " + states + "}")
    before = env.call("GET", "/api/drafts", "analyst").json()
    response = env.call("POST", "/api/drafts", "analyst", content=b'{"content": ' + text.encode() + b"}", headers=_JSON)
    body = assert_problem(response, 400, "bad-request")
    message = ("the key '{}' is given twice in one object; a key may appear once (the second value would silently "
               "replace the first)")
    assert body["errors"] == [{"message": message.format(state), "key": f"content.states.{state}", "source": "body"}
                              for state in MINIMAL_WORKFLOW["states"]]
    assert env.call("GET", "/api/drafts", "analyst").json() == before


def test_a_start_with_a_context_key_given_twice_starts_nothing(env: Env) -> None:
    env.services.engine.deploy(MINIMAL_WORKFLOW)
    before = env.call("GET", "/api/instances", "admin").json()
    body = (b'{"workflow_id": "' + MINIMAL_WORKFLOW["id"].encode() + b'", '
            b'"context": {"amount": 10, "amount": 10000}}')
    response = env.call("POST", "/api/instances", "admin", content=body, headers=_JSON)
    problem = assert_problem(response, 400, "bad-request")
    assert [(e["key"], e["source"]) for e in problem["errors"]] == [("context.amount", "body")]
    assert env.call("GET", "/api/instances", "admin").json() == before


def test_every_json_endpoint_refuses_a_key_given_twice(env: Env) -> None:
    for method, path in json_bodies(env):
        response = env.call(method, path, "admin", content=b'{"a": 1, "a": 2}', headers=_JSON)
        problem = assert_problem(response, 400, "bad-request")
        assert [e.get("key") for e in problem["errors"]] == ["a"], (path, problem)


def test_the_same_key_in_two_objects_is_no_duplicate(env: Env) -> None:
    env.services.engine.deploy(MINIMAL_WORKFLOW)
    response = env.call("POST", "/api/instances", "admin", headers=_JSON, content=json.dumps(
        {"workflow_id": MINIMAL_WORKFLOW["id"], "context": {"workflow_id": "x", "nested": {"context": 1}}}).encode())
    assert response.status_code == 201, response.text
