"""A start repeated with the same idempotency key answers as the first did — `201` with the same instance, as Stripe
replays the original response — and says it is a replay (`Idempotent-Replayed: true`), so a client can tell
"started now" from "started before" without comparing ids it may not have kept. A first start says nothing."""

from __future__ import annotations

from typing import Any

from designer_support import SEND_FLOW, Env

from designer.api.instances import REPLAYED_HEADER


def _start(env: Env, body: dict[str, Any], **headers: str) -> Any:
    return env.call("POST", "/api/instances", "analyst", json={"workflow_id": "send_flow", **body}, headers=headers)


def test_a_replayed_start_says_so_and_a_first_start_does_not(env: Env) -> None:
    env.services.engine.deploy(SEND_FLOW)
    first = _start(env, {"idempotency_key": "order-7"})
    assert first.status_code == 201, first.text
    assert REPLAYED_HEADER not in first.headers
    again = _start(env, {"idempotency_key": "order-7"})
    assert (again.status_code, again.json()["id"]) == (201, first.json()["id"])
    assert again.headers[REPLAYED_HEADER] == "true"
    lean = _start(env, {"idempotency_key": "order-7"}, Prefer="return=minimal")
    assert (lean.headers[REPLAYED_HEADER], lean.headers["Preference-Applied"]) == ("true", "return=minimal")


def test_starts_without_a_key_are_never_replays(env: Env) -> None:
    env.services.engine.deploy(SEND_FLOW)
    answers = [_start(env, {}) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["id"] != answers[1].json()["id"]
    assert [REPLAYED_HEADER in a.headers for a in answers] == [False, False]


def test_the_document_names_the_header(env: Env) -> None:
    document = env.client.get("/schema/openapi.json").json()
    created = document["paths"]["/api/instances"]["post"]["responses"]["201"]
    assert REPLAYED_HEADER in created["headers"]
